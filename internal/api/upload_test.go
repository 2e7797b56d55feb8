package api_test

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/bunkatopics/bunka-go/internal/api"
)

// bigCSV returns a CSV of about size bytes in rows documents under the
// header "text".
func bigCSV(size, rows int) string {
	var b strings.Builder
	b.WriteString("text\n")
	line := strings.Repeat("word ", size/rows/5)
	for i := range rows {
		fmt.Fprintf(&b, "doc %d %s\n", i, line)
	}
	return b.String()
}

// Uploads larger than the in-memory part of a multipart form spill to
// temporary files; none may be left behind, whatever the answer.
func TestUploadsLeaveNoTemporaryFiles(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp) // where mime/multipart puts its files
	e := newEnv(t, api.Config{MaxBodyBytes: 200 << 20})
	csv := bigCSV(40<<20, 5000) // over the 32 MB kept in memory
	for _, tc := range []struct {
		desc   string
		path   string
		fields map[string]string
		want   int
	}{
		{"valid topics upload", "/topics/csv/", nil, http.StatusOK},
		{"valid bourdieu upload", "/bourdieu/csv/", nil, http.StatusOK},
		{"unknown column", "/topics/csv/", map[string]string{"selected_column": "nope"}, http.StatusUnprocessableEntity},
		{"bad field", "/topics/csv/", map[string]string{"n_clusters": "many"}, http.StatusUnprocessableEntity},
		{"bad field on bourdieu", "/bourdieu/csv/", map[string]string{"radius_size": "wide"}, http.StatusUnprocessableEntity},
	} {
		body, ct := csvForm(t, csv, tc.fields)
		code, m := post(t, e.srv.URL+tc.path, ct, body)
		if code != tc.want {
			t.Errorf("%s: status %d, body %v; want %d", tc.desc, code, m, tc.want)
		}
	}
	// Over the body limit, sent without a length: refused while the form
	// is read, past the in-memory part.
	small := newEnv(t, api.Config{MaxBodyBytes: 36 << 20})
	body, ct := csvForm(t, csv, nil)
	req, err := http.NewRequest("POST", small.srv.URL+"/topics/csv/", io.MultiReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = -1
	req.Header.Set("Content-Type", ct)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("over the limit: status %d, want 413", resp.StatusCode)
	}
	e.srv.Close() // waits for the handlers to return
	small.srv.Close()
	left, err := os.ReadDir(tmp)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range left {
		t.Errorf("temporary file left behind: %s", f.Name())
	}
}
