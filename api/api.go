// Package apispec holds the service's OpenAPI document, openapi.yaml,
// embedded so that the API serves it at /docs/openapi.yaml.
package apispec

import _ "embed"

// OpenAPI is the OpenAPI 3 document of the HTTP API.
//
//go:embed openapi.yaml
var OpenAPI []byte
