/* flame.js: the search of report.html's flame graphs (profhtml.c draws them
 * as SVG, one g.f per frame with its name in data-n and its samples in
 * data-v). A search marks the frames whose "SYMBOL [DSO]" holds the text
 * and shows, per graph, the share of the samples under the marked frames
 * (a frame under another marked one counts once). report.html?flame=TEXT
 * opens with TEXT searched. */
(function () {
"use strict";
var box = document.getElementById("flame-search");
if (!box) return;
var svgs = Array.prototype.slice.call(document.querySelectorAll("svg.flame"));
function share(svg, q) {
	var spans = [], total = Number(svg.getAttribute("data-total")) || 0, covered = 0, end = -1;
	svg.querySelectorAll("g.f").forEach(function (g) {
		var hit = q !== "" && g.getAttribute("data-n").toLowerCase().indexOf(q) >= 0;
		g.classList.toggle("match", hit);
		if (hit) {
			var r = g.querySelector("rect"), x = Number(r.getAttribute("x"));
			spans.push([x, x + Number(r.getAttribute("width"))]);
		}
	});
	/* the union of the marked frames' x ranges: nested frames lie inside their parents' */
	spans.sort(function (a, b) { return a[0] - b[0]; });
	spans.forEach(function (s) {
		if (s[1] <= end) return;
		covered += s[1] - Math.max(s[0], end);
		end = s[1];
	});
	var w = Number(svg.viewBox.baseVal.width) || 1;
	return total ? covered / w : 0;
}
function search() {
	var q = box.value.trim().toLowerCase(), out = [];
	svgs.forEach(function (svg) {
		var s = share(svg, q), cell = svg.id.replace(/^flame-/, "");
		if (q !== "") out.push(cell + " " + (s * 100).toFixed(1) + "%");
	});
	document.getElementById("flame-matched").textContent = q === "" ? "" : "matched: " + out.join(", ");
}
box.addEventListener("input", search);
/* report.html?flame=TEXT opens with TEXT searched: a search one can link to */
var q = /[?&]flame=([^&#]*)/.exec(location.search);
if (q) { box.value = decodeURIComponent(q[1].replace(/\+/g, " ")); search(); }
})();
