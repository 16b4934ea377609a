// Runs before the page is drawn (not deferred): styles that fold things behind a button apply
// only when scripts run (html.js), so a browser without scripts still shows everything.
document.documentElement.classList.add("js");
