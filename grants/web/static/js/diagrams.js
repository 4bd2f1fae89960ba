// Renders the workflow diagrams (mermaid); the table beside each is the accessible alternative.
// Diagrams keep their natural size (the figure scrolls sideways) so labels stay readable.
if (window.mermaid) {
  window.mermaid.initialize({ startOnLoad: true, securityLevel: "strict", theme: "neutral",
                              state: { useMaxWidth: false }, flowchart: { useMaxWidth: false } });
}
