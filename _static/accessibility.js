// Two gaps between the theme and the generated pages, closed for keyboard
// and screen-reader users.
document.addEventListener("DOMContentLoaded", () => {
  // The theme gives code and output blocks that scroll a tab stop so that the
  // keyboard can scroll them, but only when the page loads or its window is
  // resized; a block inside a closed solution dropdown cannot scroll then.
  // Re-check each block whenever its size changes, as when a dropdown opens.
  const scrolls = (el) => el.scrollWidth > el.clientWidth || el.scrollHeight > el.clientHeight;
  const tabStops = new ResizeObserver((entries) => {
    for (const { target } of entries) target.tabIndex = scrolls(target) ? 0 : -1;
  });
  document
    .querySelectorAll("pre, .cell_output > .output, .pst-scrollable-table-container")
    .forEach((el) => tabStops.observe(el));

  // docutils marks each reference in the bibliography role="doc-biblioentry",
  // a role DPUB-ARIA 1.1 deprecated; inside the role="list" that holds them,
  // assistive technology expects list items.
  document
    .querySelectorAll('.citation-list > [role="doc-biblioentry"]')
    .forEach((entry) => entry.setAttribute("role", "listitem"));
});
