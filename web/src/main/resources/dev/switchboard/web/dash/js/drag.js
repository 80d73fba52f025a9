// Drag a tile by its handle to move it (pointer events: a finger, a mouse or a pen). Only the
// handle starts a drag, so taps and scrolling on the tiles stay what they are.

export function enableDrag(grid, onDrop) {
  if (grid.dataset.dragReady) return;
  grid.dataset.dragReady = "true";
  let dragging = null;
  grid.addEventListener("pointerdown", (e) => {
    const handle = e.target.closest(".tile-drag");
    if (!handle) return;
    e.preventDefault();
    dragging = handle.closest(".tile");
    dragging.classList.add("dragging");
    handle.setPointerCapture(e.pointerId);
  });
  grid.addEventListener("pointermove", (e) => {
    if (!dragging) return;
    const over = document.elementFromPoint(e.clientX, e.clientY)?.closest(".tile");
    if (!over || over === dragging || over.parentElement !== grid) return;
    const box = over.getBoundingClientRect();
    const after = e.clientY > box.top + box.height / 2 || (e.clientY > box.top && e.clientX > box.left + box.width / 2);
    grid.insertBefore(dragging, after ? over.nextSibling : over);
  });
  const drop = () => {
    if (!dragging) return;
    dragging.classList.remove("dragging");
    dragging = null;
    onDrop([...grid.querySelectorAll(".tile")].map((t) => t.dataset.id));
  };
  grid.addEventListener("pointerup", drop);
  grid.addEventListener("pointercancel", drop);
}
