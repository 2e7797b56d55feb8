package device

import "testing"

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Device
		ok   bool
	}{
		{"", Auto, true}, {"auto", Auto, true}, {"cpu", CPU, true}, {"cuda", CUDA, true}, {"tpu", "", false}, {"CPU", "", false},
	} {
		got, err := Parse(tc.in)
		if got != tc.want || (err == nil) != tc.ok {
			t.Errorf("Parse(%q) = %q, %v", tc.in, got, err)
		}
		if Device(tc.in).Valid() != tc.ok {
			t.Errorf("Valid(%q) != %v", tc.in, tc.ok)
		}
	}
	if Device("").OrAuto() != Auto || CUDA.OrAuto() != CUDA {
		t.Error("OrAuto")
	}
}
