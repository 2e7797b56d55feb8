package topics

import (
	"strings"
	"unicode"
)

// CleanTerms prepares a topic's terms for its name, as clean_terms in the
// original: surrounding spaces are trimmed; "CUR", one-letter terms and
// terms with anything but letters (digits, spaces, hyphens: so every
// multi-word term) are dropped; repeats are dropped; then terms equal up to
// case are merged, in the place of the first one, keeping an all-upper-case
// form when there is one ("NASA" over "Nasa").
func CleanTerms(terms []string) []string {
	seen := map[string]bool{}
	var kept []string
	for _, t := range terms {
		t = strings.TrimSpace(t)
		if t == "CUR" || len([]rune(t)) <= 1 || !isAlpha(t) || seen[t] {
			continue
		}
		seen[t] = true
		kept = append(kept, t)
	}
	pos := map[string]int{}
	var out []string
	for _, t := range kept {
		key := strings.ToLower(t)
		i, ok := pos[key]
		switch {
		case !ok:
			pos[key] = len(out)
			out = append(out, t)
		case isUpper(t):
			out[i] = t
		}
	}
	return out
}

// isAlpha is Python's str.isalpha: non-empty, every rune a letter.
func isAlpha(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return true
}

// isUpper is Python's str.isupper: at least one cased rune, none lower or
// title case.
func isUpper(s string) bool {
	cased := false
	for _, r := range s {
		switch {
		case unicode.IsLower(r), unicode.IsTitle(r):
			return false
		case unicode.IsUpper(r):
			cased = true
		}
	}
	return cased
}
