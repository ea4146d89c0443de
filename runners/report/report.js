"use strict";
/* report.html's script: draws everything from the JSON in #data. No network. */
window.onerror = function (msg, src, line) {
	document.body.setAttribute("data-status", "error: " + msg + " at line " + line);
	var e = document.getElementById("error");
	if (e) { e.style.display = "block"; e.textContent = "report error: " + msg + " (line " + line + ")"; }
};
(function () {
var D = JSON.parse(document.getElementById("data").textContent);
var SVGNS = "http://www.w3.org/2000/svg";
var COLORS = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];
var SYSTEM = ["elapsed_s", "cpu_s", "cpu_user_s", "cpu_system_s", "mem_peak_bytes", "io_read_bytes",
	"io_write_bytes", "net_rx_bytes", "net_tx_bytes", "pids_peak", "image_size_bytes", "image_layers",
	"image_compressed_bytes", "image_registry_layers"];
var app = document.getElementById("app");
var cells = D.cells || [];

function el(tag, attrs, parent, text) {
	var e = document.createElement(tag), k;
	for (k in attrs || {}) e.setAttribute(k, attrs[k]);
	if (text !== undefined && text !== null) e.textContent = text;
	if (parent) parent.appendChild(e);
	return e;
}
function sv(tag, attrs, parent, text) {
	var e = document.createElementNS(SVGNS, tag), k;
	for (k in attrs || {}) e.setAttribute(k, attrs[k]);
	if (text !== undefined && text !== null) e.textContent = text;
	if (parent) parent.appendChild(e);
	return e;
}
function num(v) {
	if (v === null || v === undefined || !isFinite(v)) return "–";
	var a = Math.abs(v);
	if (a !== 0 && (a >= 1e7 || a < 1e-3)) return v.toExponential(2);
	return String(+v.toPrecision(4));
}
function fmt(v, unit) {
	if (v === null || v === undefined || !isFinite(v)) return "–";
	if (unit === "bytes") {
		if (Math.abs(v) >= 1048576) return num(v / 1048576) + " MiB";
		if (Math.abs(v) >= 1024) return num(v / 1024) + " KiB";
	}
	return num(v);
}
function pct(v) {
	if (v === null || v === undefined || !isFinite(v)) return "–";
	return (v >= 0 ? "+" : "−") + Math.abs(v * 100).toFixed(1) + "%";
}
/* bytes are drawn in KiB, MiB or GiB, whichever keeps the ticks short */
function scaleFor(unit, max) {
	if (unit !== "bytes") return { div: 1, label: "" };
	if (max >= 1073741824) return { div: 1073741824, label: "GiB" };
	if (max >= 1048576) return { div: 1048576, label: "MiB" };
	if (max >= 1024) return { div: 1024, label: "KiB" };
	return { div: 1, label: "bytes" };
}
function imgtag(c) { return c.image + ":" + c.tag; }
function uniq(list) {
	var seen = {}, out = [];
	list.forEach(function (x) { if (!seen[x]) { seen[x] = 1; out.push(x); } });
	return out;
}
function metricsOf(cs) {
	var names = [];
	cs.forEach(function (c) { Object.keys(c.metrics || {}).forEach(function (n) { names.push(n); }); });
	names = uniq(names);
	var own = names.filter(function (n) { return SYSTEM.indexOf(n) < 0; }).sort();
	var sys = SYSTEM.filter(function (n) { return names.indexOf(n) >= 0; });
	return { own: own, sys: sys };
}
function metricInfo(cs, name) {
	for (var i = 0; i < cs.length; i++) {
		var m = (cs[i].metrics || {})[name];
		if (m) return m;
	}
	return {};
}
/* the verdict of a change: better, worse or same (interval holds 0) */
/* The decision is jockey's (aggregate.c: Benjamini-Hochberg over every
 * comparison with the baseline), not recomputed here. */
function verdict(rel, better) {
	if (!rel || rel.significant !== true || rel.delta === 0) return "same";
	return (rel.delta > 0) === (better === "higher") ? "better" : "worse";
}
function niceTicks(lo, hi, n) {
	var span = hi - lo, step = Math.pow(10, Math.floor(Math.log10(span / n))), err = n / span * step;
	if (err <= 0.15) step *= 10; else if (err <= 0.35) step *= 5; else if (err <= 0.75) step *= 2;
	var t = [], v;
	for (v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) t.push(+v.toPrecision(12));
	return t;
}

var benches = uniq(cells.map(function (c) { return c.benchmark; }));
var hostsAll = uniq(cells.map(function (c) { return c.host; }));
var hostColor = {};
hostsAll.forEach(function (h, i) { hostColor[h] = COLORS[i % COLORS.length]; });
var byId = {};
cells.forEach(function (c) { byId[c.id] = c; });

/* header */
var done = cells.filter(function (c) { return c.status === "done"; }).length;
var failed = cells.filter(function (c) { return c.status === "failed"; }).length;
el("div", { id: "error" }, app);
el("h1", {}, app, "jockey: " + D.matrix);
var sub = el("div", { "class": "sub" }, app,
	cells.length + " cells: " + done + " done, " + failed + " failed, " + (cells.length - done - failed) +
	" not finished · Dockerfile repo " + (D.repo_commit ? D.repo_commit.slice(0, 12) : "unknown") +
	(D.repo_dirty ? " (uncommitted edits)" : "") + " · jockey " + D.jockey_version +
	" · noisy above cv " + Math.round((D.max_cv || 0.05) * 100) + "%");
/* the machine before the last run (machine.json, runners/run/machine.h) */
if (D.machine) {
	var mm = D.machine, ml = Array.isArray(mm.load) ? mm.load.map(function (v) { return v.toFixed(2); }).join(" / ") : "unknown";
	el("div", { "class": "sub", id: "machine" }, app, "Machine before the last run: load average " + ml + " on " +
		mm.ncpu + " CPUs, " + mm.other_containers + " other containers, swap used " + (mm.swap_used_bytes || 0) +
		" bytes, CPU frequency " + (typeof mm.cpufreq === "string" ? mm.cpufreq : (mm.cpufreq || {}).governor) +
		(Array.isArray(mm.busy) && mm.busy.length ? " · busy: " + mm.busy.join("; ") : " · quiet"));
}
/* what a cell's repetitions ran under: warm-up trends, a busy machine */
function conditions(c) {
	var out = [];
	Object.keys(c.metrics || {}).sort().forEach(function (n) {
		var t = c.metrics[n].warmup_trend;
		if (t && t.trend) out.push("warm-up trend: first " + t.first + " reps " + Math.round(t.change * 100) + "% " +
			(c.metrics[n].unit === "bytes" ? "worse" : "slower") + " (" + n + ", p = " + t.p.toPrecision(2) + ")");
	});
	if (c.machine_busy && c.machine_busy.length) out.push(c.machine_busy.length + " measured repetition" +
		(c.machine_busy.length === 1 ? "" : "s") + " on a busy machine: " + c.machine_busy.map(function (b) {
			return "#" + b.rep + " " + [].concat(b.reasons || []).join(", "); }).join("; "));
	return out;
}
var blText = D.baseline ? (D.baseline.host ? "host " + D.baseline.host : "image " + D.baseline.image + (D.baseline.tag ? ":" + D.baseline.tag : "")) : null;
if (blText) el("div", { "class": "sub" }, app, "Baseline: " + blText);
var nav = el("nav", {}, app);
[["charts", "Charts"], ["baseline", "Baseline"], ["failures", "Failures"], ["cells", "Cells"]].forEach(function (x) {
	el("a", { href: "#" + x[0] }, nav, x[1]);
});
el("p", { "class": "sub" }, app, "Bars: the median of each cell's measured repetitions (warmups left out); " +
	"error bars: the 95% interval of the median from order statistics (with fewer than 6 repetitions it is [min, max], " +
	"of lower coverage). Dashed: noisy (coefficient of variation above the matrix's max_cv).");
void sub;

/* one bar chart: groups by image:tag, one bar per host, error bars */
function barChart(parent, bcells, name) {
	var groups = uniq(bcells.map(imgtag)), hosts = uniq(bcells.map(function (c) { return c.host; }));
	var info = metricInfo(bcells, name), at = {};
	bcells.forEach(function (c) { at[imgtag(c) + "\u001f" + c.host] = c; });
	var barW = Math.max(8, Math.min(26, 150 / hosts.length)), gGap = 18;
	var gW = hosts.length * (barW + 2) + gGap, left = 58, top = 16;
	var longest = Math.max.apply(null, groups.map(function (g) { return g.length; }));
	var rotate = longest * 6.2 > gW;
	var bottom = rotate ? Math.min(120, 18 + longest * 4.6) : 30;
	var W = Math.max(240, left + groups.length * gW + 10), H = 200 + bottom, ph = 200 - top;
	var lo = 0, hi = 0;
	bcells.forEach(function (c) {
		var m = (c.metrics || {})[name];
		if (!m || m.median === undefined) return;
		var a = m.ci ? m.ci[0] : m.median, b = m.ci ? m.ci[1] : m.median;
		lo = Math.min(lo, a, m.median); hi = Math.max(hi, b, m.median);
	});
	var sc = scaleFor(info.unit, Math.max(Math.abs(lo), Math.abs(hi)));
	lo /= sc.div; hi /= sc.div;
	if (hi === lo) hi = lo + 1;
	var ticks = niceTicks(lo, hi, 4);
	hi = Math.max(hi, ticks[ticks.length - 1]);
	lo = Math.min(lo, ticks[0]);
	function y(v) { return top + ph - (v / sc.div - lo) / (hi - lo) * ph; }
	function yt(t) { return top + ph - (t - lo) / (hi - lo) * ph; }
	var card = el("div", { "class": "card" }, parent);
	var h = el("h4", {}, card, name + " ");
	el("span", { "class": "unit" }, h, "(" + (info.unit || "") + (info.better ? ", " + info.better + " is better" : "") + ")");
	var s = sv("svg", { width: W, height: H, viewBox: "0 0 " + W + " " + H, role: "img" }, card);
	ticks.forEach(function (t) {
		sv("line", { "class": "grid", x1: left, x2: W - 4, y1: yt(t), y2: yt(t) }, s);
		sv("text", { x: left - 5, y: yt(t) + 4, "text-anchor": "end" }, s, num(t));
	});
	if (sc.label) sv("text", { x: 4, y: 10 }, s, sc.label);
	sv("line", { "class": "axis", x1: left, x2: W - 4, y1: yt(Math.max(lo, 0)), y2: yt(Math.max(lo, 0)) }, s);
	sv("line", { "class": "axis", x1: left, x2: left, y1: top, y2: top + ph }, s);
	groups.forEach(function (g, gi) {
		var x0 = left + gi * gW + gGap / 2;
		hosts.forEach(function (host, hi2) {
			var c = at[g + "\u001f" + host];
			var m = c && c.metrics ? c.metrics[name] : null;
			var x = x0 + hi2 * (barW + 2);
			if (!m || m.median === undefined) {
				if (c && c.status !== "done")
					sv("title", {}, sv("text", { x: x + barW / 2, y: yt(Math.max(lo, 0)) - 4, "text-anchor": "middle", fill: "#c0262d" }, s, "×"), c.id + ": " + c.status);
				return;
			}
			var y0 = yt(Math.max(lo, 0)), y1 = y(m.median);
			var r = sv("rect", { x: x, y: Math.min(y0, y1), width: barW, height: Math.max(1, Math.abs(y0 - y1)),
				fill: hostColor[host], "fill-opacity": m.noisy ? 0.45 : 0.9 }, s);
			if (m.noisy) { r.setAttribute("stroke", "#a36300"); r.setAttribute("stroke-dasharray", "3 2"); }
			var tip = c.id + "\nmedian " + fmt(m.median, m.unit) + (m.ci ? " [" + fmt(m.ci[0], m.unit) + ", " + fmt(m.ci[1], m.unit) + "]" : "") +
				"\nn " + m.n + ", cv " + (m.cv * 100).toFixed(1) + "%" + (m.noisy ? " (noisy)" : "") +
				(m.relative && m.relative.baseline !== c.id ? "\nvs baseline " + pct(m.relative.delta) : "");
			sv("title", {}, r, tip);
			if (m.ci) {
				var cx = x + barW / 2;
				sv("line", { x1: cx, x2: cx, y1: y(m.ci[0]), y2: y(m.ci[1]), stroke: "#1d2330", "stroke-width": 1.2 }, s);
				sv("line", { x1: cx - 4, x2: cx + 4, y1: y(m.ci[0]), y2: y(m.ci[0]), stroke: "#1d2330" }, s);
				sv("line", { x1: cx - 4, x2: cx + 4, y1: y(m.ci[1]), y2: y(m.ci[1]), stroke: "#1d2330" }, s);
			}
		});
		var lx = x0 + hosts.length * (barW + 2) / 2, ly = top + ph + 14;
		if (rotate)
			sv("text", { x: lx, y: ly, "text-anchor": "end", transform: "rotate(-35 " + lx + " " + ly + ")" }, s, g);
		else
			sv("text", { x: lx, y: ly, "text-anchor": "middle" }, s, g);
	});
}

function legend(parent, hosts) {
	var lg = el("div", { "class": "legend" }, parent);
	hosts.forEach(function (h) {
		var sp = el("span", {}, lg);
		el("i", { style: "background:" + hostColor[h] }, sp);
		sp.appendChild(document.createTextNode("host " + h));
	});
}

/* the hot-function changes of profiled cell c against the cell report.c
 * chose (profhtml.c): the functions whose self share changed most */
function profileDiff(parent, c) {
	var pd = c.profile_diff;
	el("h4", {}, parent, "Hot-function changes: " + c.id + " (B) against " + pd.against + " (A)");
	var t = el("table", { "class": "profdiff" }, parent), r = el("tr", {}, t);
	["function", "DSO", "self share in A", "in B", "change", "beyond both intervals"].forEach(function (h, i) {
		el("th", i < 2 ? { "class": "l" } : {}, r, h);
	});
	pd.functions.forEach(function (f) {
		var tr = el("tr", {}, t);
		el("td", { "class": "l" }, tr, f.symbol);
		el("td", { "class": "l" }, tr, f.dso + (f.stripped ? " (stripped)" : ""));
		el("td", { title: "interval " + pct2(f.a_interval[0]) + " .. " + pct2(f.a_interval[1]) }, tr, pct2(f.a));
		el("td", { title: "interval " + pct2(f.b_interval[0]) + " .. " + pct2(f.b_interval[1]) }, tr, pct2(f.b));
		el("td", {}, tr, (f.delta >= 0 ? "+" : "") + (f.delta * 100).toFixed(2) + " pt");
		el("td", f.beyond ? { "class": "noisy" } : {}, tr, f.beyond ? "yes" : "no");
	});
	var a = el("p", { "class": "sub" }, parent);
	el("a", { href: "#profiles" }, a, "flame graphs");
}
function pct2(v) { return (v * 100).toFixed(2) + "%"; }

/* charts */
var sec = el("section", { id: "charts" }, app);
el("h2", {}, sec, "Charts");
benches.forEach(function (b) {
	var bc = cells.filter(function (c) { return c.benchmark === b; });
	var ms = metricsOf(bc);
	el("h3", {}, sec, "benchmark " + b);
	legend(sec, uniq(bc.map(function (c) { return c.host; })));
	var box = el("div", { "class": "cards" }, sec);
	ms.own.concat(ms.sys).forEach(function (n) { barChart(box, bc, n); });
	bc.forEach(function (c) { if (c.profile_diff) profileDiff(sec, c); });
	if (!ms.own.length && !ms.sys.length)
		el("p", { "class": "sub" }, sec, "No cell of this benchmark has numbers yet" +
			(bc.some(function (c) { return c.status === "failed"; }) ? ": see the failures below." : "."));
});

/* baseline tables */
function relText(td, c, m) {
	if (!c) { td.textContent = "·"; return; }
	if (!m || m.median === undefined) { td.textContent = c.status === "failed" ? "failed" : "–"; return; }
	var rel = m.relative;
	if (c.baseline_cell === c.id) { td.textContent = "baseline: " + fmt(m.median, m.unit); return; }
	if (!rel) {
		td.textContent = c.baseline_cell ? "– (baseline median is 0 or missing)" : "no baseline cell";
		td.className = "same";
		return;
	}
	td.textContent = pct(rel.delta) + (rel.ci ? " [" + pct(rel.ci[0]) + ", " + pct(rel.ci[1]) + "]" +
		(rel.ci_coverage < 0.95 ? " " + Math.round(rel.ci_coverage * 100) + "%" : "") : "");
	td.className = verdict(rel, m.better);
	td.title = "median " + fmt(m.median, m.unit) + " against " + rel.baseline +
		(rel.p !== undefined ? "\nMann-Whitney p=" + rel.p.toFixed(3) + ", q=" + rel.q.toFixed(3) : "");
}
function baselineTable(parent, bc, name) {
	var groups = uniq(bc.map(imgtag)), hosts = uniq(bc.map(function (c) { return c.host; }));
	var info = metricInfo(bc, name), at = {};
	bc.forEach(function (c) { at[imgtag(c) + "\u001f" + c.host] = c; });
	el("div", {}, parent, name + " (" + (info.unit || "") + (info.better ? ", " + info.better + " is better" : "") + ")");
	var t = el("table", {}, parent), tr = el("tr", {}, t);
	el("th", { "class": "l" }, tr, "image:tag");
	hosts.forEach(function (h) { el("th", {}, tr, h); });
	groups.forEach(function (g) {
		var row = el("tr", {}, t);
		el("td", { "class": "l" }, row, g);
		hosts.forEach(function (h) {
			var c = at[g + "\u001f" + h];
			relText(el("td", {}, row), c, c && c.metrics ? c.metrics[name] : null);
		});
	});
}
sec = el("section", { id: "baseline" }, app);
el("h2", {}, sec, "Against the baseline");
if (!blText) {
	el("p", { "class": "sub" }, sec, "The matrix names no baseline (add baseline: {host: NAME} or {image: NAME:TAG}).");
} else {
	el("p", { "class": "sub" }, sec, "The change of each cell's median against the baseline cell's (" + blText +
		") on the same other axes, with a 95% interval of the ratio (Mann-Whitney, Hodges-Lehmann; its coverage when fewer " +
		"samples cannot reach 95%); green or red when the change is significant after Benjamini-Hochberg at a false " +
		"discovery rate of 5% over all " + (D.baseline_tests ? D.baseline_tests.tests : 0) +
		" comparisons with the baseline (q <= 0.05).");
	benches.forEach(function (b) {
		var bc = cells.filter(function (c) { return c.benchmark === b; }), ms = metricsOf(bc);
		el("h3", {}, sec, "benchmark " + b);
		ms.own.forEach(function (n) { baselineTable(sec, bc, n); });
		if (ms.sys.length) {
			var d = el("details", {}, sec);
			el("summary", {}, d, "wall time and cgroup totals");
			ms.sys.forEach(function (n) { baselineTable(d, bc, n); });
		}
	});
}

/* failures */
sec = el("section", { id: "failures" }, app);
el("h2", {}, sec, "Failures");
var bad = cells.filter(function (c) { return (c.failures && c.failures.length) || c.status !== "done"; });
if (!bad.length) el("p", { "class": "sub" }, sec, "None: every cell finished.");
bad.forEach(function (c) {
	el("h3", {}, sec, c.id + " (" + c.status + ", " + c.reps_done + "/" + c.reps_total + " repetitions)");
	if (!c.failures || !c.failures.length) el("p", { "class": "sub" }, sec, "no failure recorded: a step before it failed, or it has not run yet");
	(c.failures || []).forEach(function (f) {
		el("div", {}, sec, "repetition " + f.rep + ": " + (f.reason || "failed") + (f.log ? " (log: " + f.log + ")" : ""));
		if (f.log_tail) el("pre", { "class": "log" }, sec, f.log_tail);
	});
});

/* per cell: statistics, time series, history, provenance */
function spark(parent, values, labels) {
	var pts = [], W = 90, H = 22, vs = values.filter(function (v) { return typeof v === "number"; });
	if (vs.length < 1) { parent.textContent = "–"; return; }
	var lo = Math.min.apply(null, vs), hi = Math.max.apply(null, vs);
	if (hi === lo) { hi = lo + 1; lo = lo - 1; }
	var s = sv("svg", { width: W, height: H }, parent);
	values.forEach(function (v, i) {
		if (typeof v !== "number") return;
		var x = values.length > 1 ? 4 + i * (W - 8) / (values.length - 1) : W / 2, yy = H - 4 - (v - lo) / (hi - lo) * (H - 8);
		pts.push(x + "," + yy);
		var d = sv("circle", { cx: x, cy: yy, r: 2.5, fill: i === values.length - 1 ? "#e15759" : "#4e79a7" }, s);
		sv("title", {}, d, labels[i] + ": " + num(v));
	});
	sv("polyline", { points: pts.join(" "), fill: "none", stroke: "#4e79a7" }, s);
	parent.appendChild(document.createTextNode(" " + values.length + " run" + (values.length === 1 ? "" : "s")));
}
function seriesChart(parent, series) {
	var W = 330, H = 170, left = 44, top = 18, pw = W - left - 10, ph = H - top - 26;
	[["cpu", "CPU (% of one core)"], ["mem", "memory (MiB)"]].forEach(function (k) {
		var tmax = 0, vmax = 0;
		series.forEach(function (r) {
			tmax = Math.max(tmax, r.t[r.t.length - 1] || 0);
			r[k[0]].forEach(function (v) { vmax = Math.max(vmax, v); });
		});
		if (tmax <= 0) tmax = 1;
		if (vmax <= 0) vmax = 1;
		var ticks = niceTicks(0, vmax, 3);
		vmax = Math.max(vmax, ticks[ticks.length - 1]);
		var s = sv("svg", { width: W, height: H }, parent);
		sv("text", { x: left, y: 12 }, s, k[1] + " over time (s)");
		ticks.forEach(function (t) {
			var yy = top + ph - t / vmax * ph;
			sv("line", { "class": "grid", x1: left, x2: left + pw, y1: yy, y2: yy }, s);
			sv("text", { x: left - 4, y: yy + 4, "text-anchor": "end" }, s, num(t));
		});
		niceTicks(0, tmax, 4).forEach(function (t) {
			sv("text", { x: left + t / tmax * pw, y: top + ph + 14, "text-anchor": "middle" }, s, num(t));
		});
		sv("line", { "class": "axis", x1: left, x2: left + pw, y1: top + ph, y2: top + ph }, s);
		series.forEach(function (r, i) {
			var pts = r.t.map(function (t, j) { return (left + t / tmax * pw) + "," + (top + ph - r[k[0]][j] / vmax * ph); });
			var pl = sv("polyline", { points: pts.join(" "), fill: "none", stroke: COLORS[i % COLORS.length], "stroke-width": 1.5 }, s);
			sv("title", {}, pl, "repetition " + r.rep);
		});
	});
	var lg = el("div", { "class": "legend" }, parent);
	series.forEach(function (r, i) {
		var sp = el("span", {}, lg);
		el("i", { style: "background:" + COLORS[i % COLORS.length] }, sp);
		sp.appendChild(document.createTextNode("repetition " + r.rep));
	});
}
function cellBody(box, c) {
	var names = metricsOf([c]), t = el("table", {}, box), tr = el("tr", {}, t);
	["metric", "unit", "n", "median", "95% interval", "mean", "stddev", "cv", "min", "max", "vs baseline", "history (medians)", "samples"].forEach(function (h, i) {
		if (i === 10 && !blText) return;
		el("th", { "class": i < 2 || i > 10 ? "l" : "" }, tr, h);
	});
	var hist = c.history || [], labels = hist.map(function (e) { return e.recorded; });
	names.own.concat(names.sys).forEach(function (n) {
		var m = c.metrics[n], row = el("tr", {}, t);
		el("td", { "class": "l" }, row, n);
		el("td", { "class": "l" }, row, m.unit || "");
		el("td", {}, row, m.n);
		el("td", {}, row, fmt(m.median, m.unit));
		el("td", { title: "coverage " + (m.ci_coverage * 100).toFixed(1) + "%" }, row,
			m.ci ? "[" + fmt(m.ci[0], m.unit) + ", " + fmt(m.ci[1], m.unit) + "] " + Math.round(m.ci_coverage * 100) + "%" : "–");
		el("td", {}, row, fmt(m.mean, m.unit));
		el("td", {}, row, fmt(m.stddev, m.unit));
		el("td", { "class": m.noisy ? "noisy" : "" }, row, (m.cv * 100).toFixed(1) + "%" + (m.noisy ? " noisy" : ""));
		el("td", {}, row, fmt(m.min, m.unit));
		el("td", {}, row, fmt(m.max, m.unit));
		if (blText) relText(el("td", {}, row), c, m);
		spark(el("td", { "class": "l", style: "white-space:nowrap" }, row), hist.map(function (e) { return e.medians[n]; }), labels);
		el("td", { "class": "l" }, row, (m.samples || []).map(function (v, i) { return "#" + m.reps[i] + " " + fmt(v, m.unit); }).join(", "));
	});
	conditions(c).forEach(function (w) { el("div", { "class": "noisy" }, box, w); });
	if (c.series && c.series.length) {
		el("h4", {}, box, "Time series (sampled from the cgroup)");
		seriesChart(el("div", {}, box), c.series);
	}
	(c.failures || []).forEach(function (f) {
		el("div", { "class": "worse" }, box, "repetition " + f.rep + " failed: " + (f.reason || ""));
		if (f.log_tail) el("pre", { "class": "log" }, box, f.log_tail);
	});
	el("h4", {}, box, "Provenance");
	var dl = el("dl", { "class": "prov" }, box), p = c.provenance || {};
	var rows = [["cell", c.id], ["status", c.status + ", " + c.reps_done + "/" + c.reps_total + " repetitions (" + (c.warmup || 0) + " warmup)"],
		["precision target", c.adaptive && c.adaptive.verdict && c.adaptive.metric + " within ±" +
			+(c.adaptive.precision * 100).toFixed(2) + "%: " + c.adaptive.verdict],
		["inputs hash", c.inputs_hash], ["result hash", c.result_hash], ["Dockerfile repo commit", D.repo_commit],
		["jockey", D.jockey_version], ["profile", c.profile ? c.profile.text : undefined]];
	Object.keys(p).sort().forEach(function (k) { rows.push([k, typeof p[k] === "object" ? JSON.stringify(p[k]) : String(p[k])]); });
	rows.forEach(function (r) {
		if (r[1] === undefined || r[1] === null) return;
		el("dt", {}, dl, r[0]);
		el("dd", {}, dl, String(r[1]));
	});
	if (hist.length) {
		el("h4", {}, box, "History (" + hist.length + " recorded result" + (hist.length === 1 ? "" : "s") + ")");
		var ht = el("table", {}, box), hr = el("tr", {}, ht), show = names.own.concat(names.sys).slice(0, 6);
		el("th", { "class": "l" }, hr, "recorded");
		el("th", { "class": "l" }, hr, "inputs");
		show.forEach(function (n) { el("th", {}, hr, n); });
		hist.slice().reverse().forEach(function (e) {
			var r = el("tr", {}, ht);
			el("td", { "class": "l" }, r, e.recorded + (e.key === c.result_hash ? " (current)" : ""));
			el("td", { "class": "l" }, r, e.inputs || "");
			show.forEach(function (n) { el("td", {}, r, fmt(e.medians[n], (c.metrics[n] || {}).unit)); });
		});
	}
}
sec = el("section", { id: "cells" }, app);
el("h2", {}, sec, "Cells");
var openAll = location.hash === "#all";
cells.forEach(function (c) {
	var d = el("details", { "class": "cell", id: "cell-" + c.id }, sec);
	var s = el("summary", {}, d);
	s.appendChild(document.createTextNode(c.id + " "));
	el("span", { "class": "status-" + c.status.split(" ")[0] }, s, c.status);
	if (c.noisy) el("span", { "class": "noisy" }, s, " · noisy");
	if (c.cgroup_absent) el("span", { "class": "noisy" }, s, " · no cgroup metrics: " + c.cgroup_absent);
	if (Object.keys(c.metrics || {}).some(function (n) { var t = c.metrics[n].warmup_trend; return t && t.trend; }))
		el("span", { "class": "noisy" }, s, " · warm-up trend");
	if (c.machine_busy && c.machine_busy.length) el("span", { "class": "noisy" }, s, " · busy machine");
	var box = el("div", {}, d), drawn = false;
	function draw() { if (!drawn && d.open) { drawn = true; cellBody(box, c); } }
	d.addEventListener("toggle", draw);
	if (openAll) { d.open = true; draw(); }
});
if (!document.body.getAttribute("data-status")) document.body.setAttribute("data-status", "ok");
})();
