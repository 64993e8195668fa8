// Matching review: "select all on this page" for the bulk accept/reject form.
document.addEventListener("change", function (event) {
  if (!event.target.matches(".pick-all")) return;
  document.querySelectorAll("input.pick").forEach(function (box) {
    box.checked = event.target.checked;
  });
});
