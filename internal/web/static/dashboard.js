// Draws the 12-month trend of covered persons on a unit's page from the JSON that
// the server put in #trend-data. Chart.js is vendored (static/vendor).
(function () {
  function draw() {
    var el = document.getElementById("trend");
    var data = document.getElementById("trend-data");
    if (!el || !data || !window.Chart) return;
    var pts = JSON.parse(data.textContent);
    var vi = document.documentElement.lang !== "en";
    var label = function (iso) { var p = iso.split("-"); return p[1] + "/" + p[0]; };
    new Chart(el, {
      type: "line",
      data: {
        labels: pts.map(function (p) { return label(p.date); }),
        datasets: [
          { label: "BHYT", data: pts.map(function (p) { return p.bhyt; }), borderColor: "#0b6e4f", tension: 0.2 },
          { label: "BHXH", data: pts.map(function (p) { return p.bhxh; }), borderColor: "#c77d1a", tension: 0.2 },
          { label: "BHTN", data: pts.map(function (p) { return p.bhtn; }), borderColor: "#3a6ea5", tension: 0.2 }
        ]
      },
      options: {
        animation: false,
        plugins: { title: { display: true, text: vi ? "Số người tham gia cuối tháng" : "Participants at month end" } },
        scales: { y: { ticks: { callback: function (v) { return v.toLocaleString(vi ? "vi-VN" : "en-US"); } } } }
      }
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw); else draw();
})();
