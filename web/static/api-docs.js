// Swagger UI on /api/v1/docs, from the packaged swagger-ui-bundle.js (no CDN, no inline script
// under the Content-Security-Policy). The schema's address is the page's data-openapi.
(function () {
  const root = document.getElementById("swagger-ui");
  if (!root || typeof SwaggerUIBundle !== "function") return;
  window.ui = SwaggerUIBundle({
    url: root.dataset.openapi,
    domNode: root,
    deepLinking: true,
    docExpansion: "list",
    defaultModelsExpandDepth: 0,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
})();
