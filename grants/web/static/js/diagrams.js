// Renders the workflow diagrams (mermaid); the table beside each is the accessible alternative.
// On object pages a diagram fits the width (a link opens it at full size, on the processes page
// with ?full=1, where each figure scrolls inside itself).
if (window.mermaid) {
  var full = /[?&]full=1\b/.test(window.location.search);
  window.mermaid.initialize({ startOnLoad: true, securityLevel: "strict", theme: "neutral",
                              state: { useMaxWidth: !full }, flowchart: { useMaxWidth: !full } });
  if (full) {
    Array.prototype.forEach.call(document.querySelectorAll(".diagram"), function (f) {
      f.classList.add("full"); f.setAttribute("tabindex", "0");
    });
  }
}
