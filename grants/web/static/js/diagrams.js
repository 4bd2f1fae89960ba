// Renders the workflow diagrams (mermaid); the table beside each is the accessible alternative.
if (window.mermaid) {
  window.mermaid.initialize({ startOnLoad: true, securityLevel: "strict", theme: "neutral" });
}
