// After a failed submission, move focus to the error summary so keyboard and screen-reader
// users start from the list of errors (each links to its field).
(function () {
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
})();
