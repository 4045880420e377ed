// Progressive enhancement for the hosted pages (they work without it): the password
// policy list under a new-password field is checked off as the user types.
(function () {
  "use strict";
  var symbols = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ";
  function met(rule, v) {
    if (rule.indexOf("min:") === 0) return Array.from(v).length >= Number(rule.slice(4));
    if (rule === "lower") return /\p{Ll}/u.test(v);
    if (rule === "upper") return /\p{Lu}/u.test(v);
    if (rule === "digit") return /[0-9]/.test(v);
    if (rule === "symbol") return Array.from(v).some(function (c) { return symbols.indexOf(c) >= 0; });
    return false;
  }
  document.querySelectorAll("input[type=password]").forEach(function (input) {
    var hint = document.getElementById(input.id + "-hint");
    if (!hint) return;
    var items = hint.querySelectorAll("li[data-rule]");
    if (!items.length) return;
    input.addEventListener("input", function () {
      items.forEach(function (li) {
        var ok = met(li.getAttribute("data-rule"), input.value);
        li.classList.toggle("cg-met", ok);
      });
    });
  });
})();
