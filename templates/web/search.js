/* Search without a server (works from file:// too): lists the pages of search-index.js that hold
   every word of the query, each with the first place it occurs. Accents and case are ignored;
   a word matches the start of a word in the text ("oil" finds "oil" and "oilfield"); a title or
   author's name that holds the word counts ten times. */
(function () {
  "use strict";
  var pages = window.anthologySearch || [];
  var box = document.getElementById("search-results");
  var input = document.getElementById("site-search-q");
  if (!box || !input) return;
  var WORD = /[\p{L}\p{N}]/u;

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function folded(text) {  // the folded text, and for each of its characters the original offset
    var out = [], map = [];
    for (var i = 0; i < text.length; i++) {
      var f = fold(text[i]);
      for (var k = 0; k < f.length; k++) { out.push(f[k]); map.push(i); }
    }
    map.push(text.length);
    return { text: out.join(""), map: map };
  }

  function find(hay, word) {
    var hits = [], i = hay.indexOf(word);
    while (i !== -1) {
      if (i === 0 || !WORD.test(hay[i - 1])) hits.push(i);
      i = hay.indexOf(word, i + 1);
    }
    return hits;
  }

  function search(query) {
    var words = fold(query).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
    var found = [];
    if (!words.length) return found;
    pages.forEach(function (page, order) {
      page.folded = page.folded || folded(page.x);
      var title = fold(page.t + " " + (page.a || "")), score = 0, first = -1, length = 0;
      for (var w = 0; w < words.length; w++) {
        var hits = find(page.folded.text, words[w]), inTitle = find(title, words[w]).length;
        if (!hits.length && !inTitle) return;
        score += hits.length + 10 * inTitle;
        if (hits.length && (first < 0 || hits[0] < first)) { first = hits[0]; length = words[w].length; }
      }
      found.push({ page: page, score: score, first: first, length: length, order: order });
    });
    return found.sort(function (a, b) { return b.score - a.score || a.order - b.order; });
  }

  function snippet(result) {
    var p = document.createElement("p"), text = result.page.x, map = result.page.folded.map;
    p.className = "search-snippet";
    if (result.first < 0) { p.textContent = text.slice(0, 160) + (text.length > 160 ? "…" : ""); return p; }
    var start = map[result.first], end = map[result.first + result.length];
    var from = Math.max(0, text.lastIndexOf(" ", Math.max(0, start - 70)) + 1);
    var to = text.indexOf(" ", Math.min(text.length, end + 90));
    if (to < 0) to = text.length;
    var mark = document.createElement("mark");
    mark.textContent = text.slice(start, end);
    p.appendChild(document.createTextNode((from > 0 ? "…" : "") + text.slice(from, start)));
    p.appendChild(mark);
    p.appendChild(document.createTextNode(text.slice(end, to) + (to < text.length ? "…" : "")));
    return p;
  }

  function show(query) {
    var results = search(query);
    box.textContent = "";
    if (!query.trim()) return;
    var status = document.createElement("p");
    status.className = "search-status";
    status.textContent = (results.length ? box.dataset.found : box.dataset.none)
      .replace("{query}", query.trim()).replace("{count}", String(results.length));
    box.appendChild(status);
    if (!results.length) return;
    var list = document.createElement("ol");
    list.className = "search-list";
    results.forEach(function (result) {
      var item = document.createElement("li"), link = document.createElement("a");
      link.href = result.page.u;
      link.textContent = result.page.t;
      item.appendChild(link);
      if (result.page.c) {
        var where = document.createElement("span");
        where.className = "search-chapter";
        where.textContent = " · " + result.page.c;
        item.appendChild(where);
      }
      item.appendChild(snippet(result));
      list.appendChild(item);
    });
    box.appendChild(list);
  }

  var query = new URLSearchParams(window.location.search).get("q") || "";
  input.value = query;
  show(query);
  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { show(input.value); }, 150);
  });
})();
