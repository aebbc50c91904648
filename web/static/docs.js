// Swagger UI on this server's OpenAPI document; "Try it out" sends the X-API-Key given under
// Authorize. No validator badge: it would call validator.swagger.io.
window.addEventListener("DOMContentLoaded", () => {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    tryItOutEnabled: false,
  });
});
