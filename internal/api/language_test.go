package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/bunkatopics/bunka-go/internal/api"
)

// An unsupported language is a 422 that lists the supported ones; names,
// codes and auto are accepted.
func TestLanguage(t *testing.T) {
	e := newEnv(t, api.Config{})
	for _, tc := range []struct {
		language string
		want     int
	}{
		{"klingon", http.StatusUnprocessableEntity},
		{"xx", http.StatusUnprocessableEntity},
		{"English", http.StatusOK},
		{"fr", http.StatusOK},
		{"auto", http.StatusOK},
		{"zh-cn", http.StatusOK},
	} {
		body, ct := csvForm(t, smallCSV, map[string]string{"language": tc.language})
		code, m := post(t, e.srv.URL+"/topics/csv/", ct, body)
		if code != tc.want {
			t.Errorf("%s (csv): status %d, body %v; want %d", tc.language, code, m, tc.want)
		}
		jcode, jm := post(t, e.srv.URL+"/topics/", "application/json",
			strings.NewReader(`{"full_docs": ["a text"], "topic_param": {"language": "`+tc.language+`"}}`))
		if jcode != tc.want {
			t.Errorf("%s (json): status %d, body %v; want %d", tc.language, jcode, jm, tc.want)
		}
		if tc.want != http.StatusOK {
			msg, _ := m["message"].(string)
			for _, want := range []string{`unsupported language "` + tc.language + `"`, "auto", "english", "french", "german", "chinese"} {
				if !strings.Contains(msg, want) {
					t.Errorf("%s: message %q lacks %q", tc.language, msg, want)
				}
			}
		}
	}
}
