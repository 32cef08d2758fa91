// The API reference (/api/docs): Swagger UI on the server's own contract. "Try it out"
// sends the token given under Authorize; nothing is loaded from another site.
(function () {
  const root = document.getElementById("api-reference");
  window.SwaggerUIBundle({
    url: root.dataset.spec,
    domNode: root,
    deepLinking: true,
    persistAuthorization: false,
    validatorUrl: null,  // the public validator would be another site
    showExtensions: true,  // x-permission: who may call each operation
  });
})();
