// Appended to a copy of a `semiseg report` page by tools/check-report-chromium.sh: once the page has
// loaded, writes one line per image into a new pre element (id semiseg-check): loaded, laid out with
// a non-zero size, and at least two colours when drawn onto a canvas (a blank or broken figure has one).
addEventListener("load", () => {
  const lines = [...document.images].map((img, i) => {
    const name = img.id || img.alt || "img" + i;
    const shown = img.getBoundingClientRect();
    if (!img.complete || img.naturalWidth === 0) return `FAIL ${name}: not loaded`;
    if (shown.width === 0 || shown.height === 0) return `FAIL ${name}: laid out 0 x 0`;
    const canvas = document.createElement("canvas");
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const context = canvas.getContext("2d");
    context.drawImage(img, 0, 0);
    const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
    const colours = new Set();
    for (let p = 0; p < pixels.length && colours.size < 64; p += 4) colours.add((pixels[p] << 16) | (pixels[p + 1] << 8) | pixels[p + 2]);
    const kind = img.src.startsWith("data:image/svg") ? "svg" : "png";
    return `${colours.size > 1 ? "ok  " : "FAIL"} ${name} (${kind}) ${img.naturalWidth}x${img.naturalHeight} ` +
           `shown ${Math.round(shown.width)}x${Math.round(shown.height)}, ${colours.size}${colours.size === 64 ? "+" : ""} colours`;
  });
  const pre = document.createElement("pre");
  pre.id = "semiseg-check";
  pre.textContent = lines.join("\n");
  document.body.appendChild(pre);
});
