package lang

import "testing"

func TestDetect(t *testing.T) {
	english := []string{
		"The president signed a trade deal with China yesterday.",
		"Big protests in Iran. The people are finally getting wise.",
		"Thank you Orlando, Florida! We are just six days away from delivering justice.",
		"Our great country must have border security!",
	}
	french := []string{
		"Le président a signé un accord commercial avec la Chine hier.",
		"Les travailleurs demandent une augmentation des salaires.",
		"Il faut protéger la planète pour les générations futures.",
		"Merci à tous pour votre soutien pendant cette campagne.",
	}
	spanish := []string{
		"El presidente firmó un acuerdo comercial con China ayer.",
		"Los trabajadores piden un aumento de los salarios y mejores condiciones.",
		"Hay que proteger el planeta para las generaciones futuras.",
	}
	cases := []struct {
		desc  string
		texts []string
		want  string
	}{
		{desc: "english", texts: english, want: "english"},
		{desc: "french", texts: french, want: "french"},
		{desc: "spanish", texts: spanish, want: "spanish"},
		{desc: "mostly french", texts: append(append([]string{}, french...), english[0]), want: "french"},
		{desc: "empty", texts: nil, want: "english"},
		{desc: "no language", texts: []string{"", "1234 5678", "😀", "\xff\xfe"}, want: "english"},
	}
	for _, c := range cases {
		if got := Detect(c.texts); got != c.want {
			t.Errorf("%s: Detect = %q, want %q", c.desc, got, c.want)
		}
	}
}

func TestDetectSamplesLargeCorpora(t *testing.T) {
	texts := make([]string, 1000)
	for i := range texts {
		texts[i] = "Le président a signé un accord commercial avec la Chine hier."
		if i%3 == 0 {
			texts[i] = "The president signed a trade deal with China yesterday."
		}
	}
	if got := Detect(texts); got != French {
		t.Errorf("Detect = %q, want french", got)
	}
}

func TestNormalizeAndCode(t *testing.T) {
	cases := []struct{ in, name, code string }{
		{"english", "english", "en"},
		{"English", "english", "en"},
		{" fr ", "french", "fr"},
		{"zh-cn", "chinese", "zh"},
		{"nb", "norwegian", "no"},
		{"klingon", "klingon", ""},
		{"", "", ""},
	}
	for _, c := range cases {
		if got := Normalize(c.in); got != c.name {
			t.Errorf("Normalize(%q) = %q, want %q", c.in, got, c.name)
		}
		if got := Code(c.in); got != c.code {
			t.Errorf("Code(%q) = %q, want %q", c.in, got, c.code)
		}
	}
}
