// Package e2e holds the service's end-to-end tests: the real router (on
// httptest), the real worker with the real topic pipeline, and the real
// Redis (databases 15 and 11), driven the way the web frontend drives the
// original API. It has no non-test code.
package e2e
