package api_test

import (
	"strings"
	"testing"

	"github.com/bunkatopics/bunka-go/internal/api"
	"github.com/bunkatopics/bunka-go/internal/csvdocs"
)

// TestUploadTooManyColumns: a CSV row of more fields than csvdocs reads
// is the caller's error, a 422 that says so, not a table padded to its
// width in memory.
func TestUploadTooManyColumns(t *testing.T) {
	e := newEnv(t, api.Config{})
	csv := "text" + strings.Repeat(",", csvdocs.MaxColumns) + "\n" + strings.Repeat("x\n", 1000)
	body, ct := csvForm(t, csv, nil)
	code, m := post(t, e.srv.URL+"/topics/csv/", ct, body)
	msg, _ := m["message"].(string)
	if code != 422 || m["status_code"] != float64(10422) || !strings.Contains(msg, "more than 16384 fields") {
		t.Errorf("status %d, body %v; want 422 naming the field limit", code, m)
	}
}
