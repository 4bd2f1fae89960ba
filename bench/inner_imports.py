"""Count imports placed inside functions in grants/, reviewers/ and budgets/ (issue 19).

Usage: python bench/inner_imports.py [root] [--list]
An import counts when its nearest enclosing scope is a function (def or async def).
A "# inner-import: <reason>" comment on the line or in the three lines above states its reason.
"""
import ast
import pathlib
import sys


def inner_imports(root: pathlib.Path):
    for pkg in ("grants", "reviewers", "budgets"):
        for path in sorted((root / pkg).rglob("*.py")):
            source = path.read_text()
            lines = source.splitlines()
            tree = ast.parse(source)
            parents = {}
            for node in ast.walk(tree):
                for child in ast.iter_child_nodes(node):
                    parents[child] = node
            for node in ast.walk(tree):
                if not isinstance(node, (ast.Import, ast.ImportFrom)):
                    continue
                scope = parents.get(node)
                while scope is not None and not isinstance(
                    scope, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Module)
                ):
                    scope = parents.get(scope)
                if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    line = lines[node.lineno - 1]
                    before = "".join(lines[max(0, node.lineno - 4):node.lineno - 1])
                    reason = "inner-import:" in line or "inner-import:" in before
                    yield path.relative_to(root), node.lineno, reason, line.strip()


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    root = pathlib.Path(args[0] if args else ".").resolve()
    found = list(inner_imports(root))
    per_top = {}
    for path, _, _, _ in found:
        per_top[path.parts[0]] = per_top.get(path.parts[0], 0) + 1
    if "--list" in sys.argv:
        for path, lineno, reason, text in found:
            print(f"{path}:{lineno}: {'[reason] ' if reason else ''}{text}")
    print(f"imports inside functions: {len(found)} "
          f"({', '.join(f'{k} {v}' for k, v in sorted(per_top.items()))}); "
          f"with a stated reason: {sum(1 for f in found if f[2])}")


if __name__ == "__main__":
    main()
