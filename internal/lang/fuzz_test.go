package lang

import "testing"

// FuzzDetect checks that no text makes Detect panic or answer a name
// outside the supported list.
func FuzzDetect(f *testing.F) {
	for _, s := range []string{"", "hello world", "\xff\xfe", "我们的政府", "Привет мир", "¿Qué tal?", "a"} {
		f.Add(s)
	}
	known := map[string]bool{}
	for _, l := range languages {
		known[l.name] = true
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got := Detect([]string{s, s + " " + s}); !known[got] {
			t.Fatalf("Detect(%q) = %q", s, got)
		}
	})
}
