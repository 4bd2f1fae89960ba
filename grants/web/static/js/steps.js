// A form in steps (issue 14; the contest form): the list of steps above the form is a real step
// indicator. One step is shown at a time with "Wstecz" / "Dalej"; the current step is marked
// (aria-current="step"), steps holding errors are marked too, and after a refused submission the
// first step with an error opens. All steps are one form: "Zapisz" sends every step and the server
// reports all cross-field errors at once. Without JavaScript every step stays visible (the list
// then links to each step).
(function () {
  var nav = document.querySelector("ol.steps[data-steps]");
  if (!nav) { return; }
  var links = Array.prototype.slice.call(nav.querySelectorAll("a[href^='#step-']"));
  var steps = links.map(function (a) { return document.getElementById(a.getAttribute("href").slice(1)); });
  var pairs = [];
  links.forEach(function (a, i) {
    if (steps[i]) { pairs.push({ link: a, step: steps[i], name: a.textContent.replace(/^\d+\.\s*/, "") }); }
  });
  if (pairs.length < 2) { return; }
  var back = nav.getAttribute("data-back") || "Wstecz", next = nav.getAttribute("data-next") || "Dalej";
  var counter = nav.getAttribute("data-counter") || "Krok %(n)s z %(of)s";
  var errorsText = nav.getAttribute("data-errors") || "błędy";
  var status = document.createElement("p");
  status.className = "step-status";
  status.setAttribute("aria-live", "polite");
  nav.parentNode.insertBefore(status, nav.nextSibling);
  var current = 0;

  function show(k, focus) {
    current = k;
    pairs.forEach(function (p, i) {
      p.step.hidden = i !== k;
      if (i === k) { p.link.setAttribute("aria-current", "step"); } else { p.link.removeAttribute("aria-current"); }
      p.link.parentNode.classList.toggle("done", i < k);
    });
    status.textContent = counter.replace("%(n)s", k + 1).replace("%(of)s", pairs.length) + ": " + pairs[k].name;
    if (focus) { pairs[k].step.querySelector("legend").setAttribute("tabindex", "-1"); pairs[k].step.querySelector("legend").focus(); }
  }

  pairs.forEach(function (p, i) {
    if (p.step.querySelector(".field-error, [aria-invalid='true']")) {
      p.link.parentNode.classList.add("has-errors");
      var mark = document.createElement("span");
      mark.className = "step-errors";
      mark.textContent = " (" + errorsText + ")";
      p.link.appendChild(mark);
    }
    p.link.addEventListener("click", function (e) { e.preventDefault(); show(i, true); });
    var bar = document.createElement("div");
    bar.className = "step-buttons";
    if (i > 0) {
      var b = document.createElement("button");
      b.type = "button"; b.className = "button secondary"; b.textContent = "← " + back;
      b.addEventListener("click", function () { show(i - 1, true); });
      bar.appendChild(b);
    }
    if (i < pairs.length - 1) {
      var n = document.createElement("button");
      n.type = "button"; n.className = "button secondary"; n.textContent = next + " →";
      n.addEventListener("click", function () { show(i + 1, true); });
      bar.appendChild(n);
    }
    p.step.appendChild(bar);
  });

  function stepOf(el) {
    for (var i = 0; i < pairs.length; i++) { if (pairs[i].step.contains(el)) { return i; } }
    return -1;
  }
  // the error summary's links open the step of their field
  document.addEventListener("click", function (e) {
    var a = e.target.closest ? e.target.closest("a[href^='#']") : null;
    if (!a || nav.contains(a)) { return; }
    var target = document.getElementById(a.getAttribute("href").slice(1));
    var k = target ? stepOf(target) : -1;
    if (k >= 0) { show(k, false); }
  });
  var firstError = -1;
  pairs.forEach(function (p, i) { if (firstError < 0 && p.link.parentNode.classList.contains("has-errors")) { firstError = i; } });
  show(firstError >= 0 ? firstError : 0, false);
})();
