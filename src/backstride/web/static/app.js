// backstride: live job progress. Every element with data-job-url polls that small JSON endpoint
// once a second while the job is queued or running, and updates its bar, stage and message.
// No framework, no external requests; the pages work without it (reload to see progress).
"use strict";
(function () {
  function update(box, job) {
    box.querySelector(".job-status").textContent = job.status;
    box.querySelector(".job-stage").textContent = job.status === "running" ? job.stage || "" : "";
    var bar = box.querySelector(".job-bar");
    bar.value = job.percent;
    bar.textContent = job.percent + "%";
    var message = box.querySelector(".job-message");
    message.textContent = job.message || "";
    message.classList.toggle("error", job.status === "failed");
    if (job.result_url && !box.querySelector(".job-link a")) {
      var link = document.createElement("a");
      link.href = job.result_url;
      link.textContent = "Open the result";
      box.querySelector(".job-link").appendChild(link);
    }
  }
  function poll(box) {
    fetch(box.dataset.jobUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (job) {
        update(box, job);
        if (job.status === "queued" || job.status === "running") {
          setTimeout(function () { poll(box); }, 1000);
        }
      })
      .catch(function () { setTimeout(function () { poll(box); }, 5000); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-job-url]").forEach(function (box) {
      var status = box.querySelector(".job-status").textContent;
      if (status === "queued" || status === "running") { poll(box); }
    });
  });
})();
