package api

import (
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"
	httpSwagger "github.com/swaggo/http-swagger/v2"

	apispec "github.com/bunkatopics/bunka-go/api"
)

// docsRoutes serves the Swagger UI at /docs over the OpenAPI document at
// /docs/openapi.yaml. Every link is relative, so that the same pages work
// behind nginx under /api/docs.
func docsRoutes() chi.Router {
	r := chi.NewRouter()
	ui := httpSwagger.Handler(httpSwagger.URL("openapi.yaml"))
	r.Get("/", func(w http.ResponseWriter, r *http.Request) {
		// /docs -> docs/index.html, /docs/ -> index.html: relative, as the
		// prefix the client sees is not known here.
		target := "index.html"
		if !strings.HasSuffix(r.URL.Path, "/") {
			target = "docs/index.html"
		}
		w.Header().Set("Location", target)
		w.WriteHeader(http.StatusMovedPermanently)
	})
	r.Get("/openapi.yaml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/yaml")
		w.Write(apispec.OpenAPI)
	})
	// httpSwagger answers doc.json from swag's registry, where nothing is
	// registered (a 500): send it to the document there is.
	r.Get("/doc.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", "openapi.yaml")
		w.WriteHeader(http.StatusMovedPermanently)
	})
	r.Get("/*", ui)
	return r
}
