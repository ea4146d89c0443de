"use strict";
/* report.html's lifecycle charts, after report.js: where a lifecycle cell's
 * time goes (its phases' medians stacked, one bar per cell) and, for a
 * density cell, how many containers were ready over time. From the JSON in
 * #data (density_ready_ms: runners/report/lcdata.c). No network. */
(function () {
var D = JSON.parse(document.getElementById("data").textContent);
var NS = "http://www.w3.org/2000/svg";
var PHASES = ["push", "pull", "create", "start", "ready", "first_response", "restart", "commit", "stop", "remove"];
var COLORS = ["#9c755f", "#4e79a7", "#f28e2b", "#e15759", "#59a14f", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#bab0ac"];
var cells = D.cells || [];

function mk(ns, tag, attrs, parent, text) {
	var e = ns ? document.createElementNS(ns, tag) : document.createElement(tag), k;
	for (k in attrs || {}) e.setAttribute(k, attrs[k]);
	if (text !== undefined) e.textContent = text;
	if (parent) parent.appendChild(e);
	return e;
}
function median(c, name) {
	var m = (c.metrics || {})[name];
	return m && isFinite(m.median) ? m.median : null;
}
function label(c) { return c.image + ":" + c.tag + " · " + c.benchmark + " · " + c.host; }
function ms(v) { return v >= 1000 ? (v / 1000).toPrecision(3) + " s" : v.toPrecision(3) + " ms"; }

var phased = cells.filter(function (c) {
	return PHASES.some(function (p) { return median(c, p + "_ms") !== null; });
});
var dense = cells.filter(function (c) { return c.density_ready_ms && c.density_ready_ms.length; });
if (!phased.length && !dense.length) return;

var app = document.getElementById("app");
var sec = mk(null, "section", { id: "lifecycle" });
app.insertBefore(sec, document.getElementById("cells"));
var nav = app.querySelector("nav");
if (nav) mk(null, "a", { href: "#lifecycle" }, nav, "Lifecycle");
mk(null, "h2", {}, sec, "Lifecycle");

/* where the time goes: one stacked bar per cell */
function phaseBars() {
	var used = PHASES.filter(function (p) { return phased.some(function (c) { return median(c, p + "_ms") !== null; }); });
	var total = function (c) { return used.reduce(function (s, p) { return s + (median(c, p + "_ms") || 0); }, 0); };
	var max = Math.max.apply(null, phased.map(total)) || 1;
	var lw = 8 + 7 * Math.max.apply(null, phased.map(function (c) { return label(c).length; }));
	var bw = 520, bh = 18, top = 28, W = lw + bw + 90, H = top + phased.length * (bh + 6) + 8;
	mk(null, "h3", {}, sec, "Where the time goes: each phase's median, stacked");
	var s = mk(NS, "svg", { width: W, height: H, viewBox: "0 0 " + W + " " + H, "class": "chart lifecycle-phases" }, sec);
	var lx = lw;
	used.forEach(function (p) {
		var i = PHASES.indexOf(p);
		mk(NS, "rect", { x: lx, y: 6, width: 10, height: 10, fill: COLORS[i] }, s);
		mk(NS, "text", { x: lx + 13, y: 15, "font-size": 11 }, s, p);
		lx += 22 + 7 * p.length;
	});
	phased.forEach(function (c, k) {
		var y = top + k * (bh + 6), x = lw;
		mk(NS, "text", { x: lw - 6, y: y + 13, "text-anchor": "end", "font-size": 11 }, s, label(c));
		used.forEach(function (p) {
			var v = median(c, p + "_ms");
			if (v === null) return;
			var w = v / max * bw;
			var r = mk(NS, "rect", { x: x, y: y, width: Math.max(w, 0.5), height: bh, fill: COLORS[PHASES.indexOf(p)] }, s);
			mk(NS, "title", {}, r, p + ": " + ms(v));
			x += w;
		});
		mk(NS, "text", { x: x + 4, y: y + 13, "font-size": 11 }, s, ms(total(c)));
	});
}

/* density: containers ready over time, one line per repetition */
function readyOverTime() {
	var tmax = 0, nmax = 0;
	dense.forEach(function (c) {
		c.density_ready_ms.forEach(function (r) {
			if (r.length) { tmax = Math.max(tmax, r[r.length - 1]); nmax = Math.max(nmax, r.length); }
		});
	});
	tmax = tmax / 1000 || 1;
	var W = 640, H = 300, l = 48, b = 36, t = 10, r = 180, pw = W - l - r, ph = H - t - b;
	mk(null, "h3", {}, sec, "Density: containers ready over time");
	var s = mk(NS, "svg", { width: W, height: H, viewBox: "0 0 " + W + " " + H, "class": "chart lifecycle-density" }, sec);
	function X(v) { return l + v / tmax * pw; }
	function Y(v) { return t + ph - v / (nmax || 1) * ph; }
	mk(NS, "line", { x1: l, y1: t + ph, x2: l + pw, y2: t + ph, stroke: "#888" }, s);
	mk(NS, "line", { x1: l, y1: t, x2: l, y2: t + ph, stroke: "#888" }, s);
	[0, 0.25, 0.5, 0.75, 1].forEach(function (f) {
		mk(NS, "text", { x: X(f * tmax), y: t + ph + 14, "text-anchor": "middle", "font-size": 10 }, s, (f * tmax).toPrecision(3));
		mk(NS, "text", { x: l - 4, y: Y(f * nmax) + 3, "text-anchor": "end", "font-size": 10 }, s, String(Math.round(f * nmax)));
	});
	mk(NS, "text", { x: l + pw / 2, y: H - 4, "text-anchor": "middle", "font-size": 11 }, s, "seconds from the first request");
	dense.forEach(function (c, k) {
		var col = COLORS[(k + 1) % COLORS.length];
		c.density_ready_ms.forEach(function (rep, j) {
			var d = "M" + X(0) + "," + Y(0);
			rep.forEach(function (v, i) { d += " H" + X(v / 1000) + " V" + Y(i + 1); });
			mk(NS, "path", { d: d, fill: "none", stroke: col, "stroke-width": 1.5, opacity: j ? 0.5 : 1, "class": "ready-line" }, s);
		});
		mk(NS, "rect", { x: l + pw + 10, y: t + k * 16, width: 10, height: 10, fill: col }, s);
		mk(NS, "text", { x: l + pw + 24, y: t + k * 16 + 9, "font-size": 10 }, s, c.benchmark + " · " + c.host);
	});
}

if (phased.length) phaseBars();
if (dense.length) readyOverTime();
})();
