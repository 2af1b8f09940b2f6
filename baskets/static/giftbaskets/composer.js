/* Progressive enhancement for the gift-basket composer.
 * Without this script every form posts and reloads the page; with it the same
 * forms are sent with fetch and only the design panel is replaced. */
(function () {
  "use strict";
  var root = document.getElementById("composer");
  var panel = document.getElementById("composer-design");
  var status = document.getElementById("composer-status");
  if (!root || !panel || !window.fetch || !window.FormData) {
    return;
  }

  function announce(messages, ok) {
    status.textContent = "";
    window.setTimeout(function () {
      status.textContent = messages.join(" ");
    }, 50);
    var visible = document.getElementById("composer-flash");
    if (!visible) {
      visible = document.createElement("div");
      visible.id = "composer-flash";
      panel.parentNode.insertBefore(visible, panel);
    }
    visible.className = "alert " + (ok ? "alert-success" : "alert-danger");
    visible.textContent = messages.join(" ");
  }

  root.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-composer")) {
      return;
    }
    event.preventDefault();
    var inPanel = panel.contains(form);
    var button = form.querySelector("button[type=submit]");
    if (button) {
      button.disabled = true;
    }
    var data = new FormData(form);
    fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: {
        "Accept": "application/json",
        "X-CSRFToken": data.get("csrfmiddlewaretoken") || ""
      }
    })
      .then(function (response) {
        return response.json();
      })
      .then(function (result) {
        panel.innerHTML = result.panel;
        announce(result.messages, result.ok);
        if (inPanel) {
          var heading = document.getElementById("design-heading");
          if (heading) {
            heading.focus();
          }
        }
      })
      .catch(function () {
        form.removeAttribute("data-composer");
        form.submit();
      })
      .finally(function () {
        if (button && document.body.contains(button)) {
          button.disabled = !inPanel && !panel.querySelector("#add-to-cart-form");
        }
      });
  });
})();
