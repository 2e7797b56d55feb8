package terms

import "strings"

// The lemma of a noun is its lower-cased singular, as spaCy's lemmatizer
// gives for nouns. Plurals are undone by a table of irregular forms and
// the regular suffix rules of English and French; words the rules do not
// know are only lower-cased.

var englishIrregular = map[string]string{
	"men": "man", "women": "woman", "children": "child", "feet": "foot",
	"teeth": "tooth", "mice": "mouse", "geese": "goose", "oxen": "ox",
	"people": "people", "data": "datum", "criteria": "criterion",
	"phenomena": "phenomenon", "analyses": "analysis", "crises": "crisis",
	"theses": "thesis", "diagnoses": "diagnosis", "hypotheses": "hypothesis",
	"indices": "index", "matrices": "matrix", "vertices": "vertex",
	"appendices": "appendix", "lives": "life", "wives": "wife",
	"knives": "knife", "leaves": "leaf", "halves": "half", "wolves": "wolf",
	"shelves": "shelf", "thieves": "thief", "selves": "self", "loaves": "loaf",
	"calves": "calf", "elves": "elf", "scarves": "scarf", "heroes": "hero",
	"potatoes": "potato", "tomatoes": "tomato", "echoes": "echo",
	"vetoes": "veto", "torpedoes": "torpedo", "cacti": "cactus",
	"fungi": "fungus", "nuclei": "nucleus", "radii": "radius",
	"stimuli": "stimulus", "syllabi": "syllabus", "alumni": "alumnus",
	"media": "medium", "bacteria": "bacterium", "curricula": "curriculum",
	"news": "news", "series": "series", "species": "species",
	"means": "means", "physics": "physics", "economics": "economics",
	"politics": "politics", "mathematics": "mathematics", "ethics": "ethics",
	"statistics": "statistic", "headquarters": "headquarters",
	"police": "police", "sheep": "sheep", "fish": "fish", "deer": "deer",
}

// englishUsSingulars are the nouns in -us whose plural adds -es.
var englishUsSingulars = wordSet(`bus virus bonus status campus census circus
focus genus apparatus prospectus surplus chorus consensus corpus plus
thesaurus hiatus impetus nexus octopus walrus lotus syllabus stimulus
radius cactus fungus nucleus abacus`)

// englishSingular returns the lower-cased singular of an English plural noun.
func englishSingular(w string) string {
	w = strings.ToLower(w)
	if s, ok := englishIrregular[w]; ok {
		return s
	}
	n := len(w)
	switch {
	case n <= 3 || !strings.HasSuffix(w, "s"):
		return w
	case strings.HasSuffix(w, "ss") || strings.HasSuffix(w, "us") || strings.HasSuffix(w, "is"):
		return w // already singular
	case strings.HasSuffix(w, "ies") && n > 4:
		return w[:n-3] + "y"
	case strings.HasSuffix(w, "sses") || strings.HasSuffix(w, "xes") ||
		strings.HasSuffix(w, "ches") || strings.HasSuffix(w, "shes") || strings.HasSuffix(w, "zzes"):
		return w[:n-2]
	case strings.HasSuffix(w, "uses") && englishUsSingulars[w[:n-2]]:
		return w[:n-2]
	}
	return w[:n-1]
}

var frenchInvariable = wordSet(`pays temps fois corps prix choix voix croix
paix poids bras dos cas repas progrès succès procès accès mois avis discours
cours concours secours recours parcours sens os jus lois riz nez noix toux
puits bois fils tapis héros gaz virus campus bus corpus processus consensus
débris mépris souris tapis colis permis paradis devis frais remords français anglais palais relais dix-sept`)

var frenchIrregular = map[string]string{
	"yeux": "œil", "cieux": "ciel", "travaux": "travail", "vitraux": "vitrail",
	"coraux": "corail", "émaux": "émail", "baux": "bail", "aïeux": "aïeul",
	"bijoux": "bijou", "cailloux": "caillou", "choux": "chou", "genoux": "genou",
	"hiboux": "hibou", "joujoux": "joujou", "poux": "pou", "messieurs": "monsieur",
	"mesdames": "madame", "mesdemoiselles": "mademoiselle",
}

// frenchSingular returns the lower-cased singular of a French noun.
func frenchSingular(w string) string {
	w = strings.ToLower(w)
	if s, ok := frenchIrregular[w]; ok {
		return s
	}
	if frenchInvariable[w] || len([]rune(w)) <= 3 {
		return w
	}
	n := len(w)
	switch {
	case strings.HasSuffix(w, "eaux") || strings.HasSuffix(w, "eux") || strings.HasSuffix(w, "oux"):
		return w[:n-1] // bateaux -> bateau, jeux -> jeu
	case strings.HasSuffix(w, "aux"):
		return w[:n-3] + "al" // journaux -> journal
	case strings.HasSuffix(w, "ss") || strings.HasSuffix(w, "us") || strings.HasSuffix(w, "ès"):
		return w
	case strings.HasSuffix(w, "s"):
		return w[:n-1]
	}
	return w
}
