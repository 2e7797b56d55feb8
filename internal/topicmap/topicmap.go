// Package topicmap holds the data model of a topic map: documents, topics,
// terms and the Bourdieu projection, with the JSON field names of the original
// BunkaTopics API (bunkatopics/datamodel.py and api/bunka_api/datamodel.py).
//
// A client written for the Python server reads these types unchanged: every
// field is always present in the JSON, optional ones as null, exactly as
// pydantic's jsonable_encoder writes them.
//
// The package has no dependencies; every stage of the pipeline and the
// service meet here.
package topicmap

// ContinuumDimension is one axis of a Bourdieu map: the words at its two ends.
type ContinuumDimension struct {
	ID         string   `json:"id"`
	LeftWords  []string `json:"left_words"`
	RightWords []string `json:"right_words"`
}

// BourdieuDimension is a document's position on one continuum.
type BourdieuDimension struct {
	Continuum ContinuumDimension `json:"continuum"`
	Distance  float64            `json:"distance"`
}

// BourdieuQuery defines the two axes of a Bourdieu map and the radius under
// which documents are left out.
type BourdieuQuery struct {
	XLeftWords   []string `json:"x_left_words"`
	XRightWords  []string `json:"x_right_words"`
	YTopWords    []string `json:"y_top_words"`
	YBottomWords []string `json:"y_bottom_words"`
	RadiusSize   float64  `json:"radius_size"`
}

// DefaultBourdieuQuery returns the original's defaults: war-peace, men-women, 0.5.
func DefaultBourdieuQuery() BourdieuQuery {
	return BourdieuQuery{
		XLeftWords:   []string{"war"},
		XRightWords:  []string{"peace"},
		YTopWords:    []string{"men"},
		YBottomWords: []string{"women"},
		RadiusSize:   0.5,
	}
}

// TopicRanking is a document's rank within its topic (1 = most typical).
type TopicRanking struct {
	TopicID string `json:"topic_id"`
	Rank    *int   `json:"rank"`
}

// Document is one input text and everything computed for it.
type Document struct {
	DocID              string              `json:"doc_id"`
	Content            string              `json:"content"`
	Size               *float64            `json:"size"`
	X                  *float64            `json:"x"`
	Y                  *float64            `json:"y"`
	TopicID            *string             `json:"topic_id"`
	TopicRanking       *TopicRanking       `json:"topic_ranking"`
	TermID             []string            `json:"term_id"`
	Embedding          []float32           `json:"embedding"`
	BourdieuDimensions []BourdieuDimension `json:"bourdieu_dimensions"`
	Metadata           map[string]any      `json:"metadata"`
}

// ConvexHull is the closed, smoothed outline of a topic on the map.
type ConvexHull struct {
	XCoordinates []float64 `json:"x_coordinates"`
	YCoordinates []float64 `json:"y_coordinates"`
}

// Topic is one cluster of documents with its name and summary.
type Topic struct {
	TopicID       string      `json:"topic_id"`
	Name          string      `json:"name"`
	LemmaName     *string     `json:"lemma_name"`
	TermID        []string    `json:"term_id"`
	XCentroid     *float64    `json:"x_centroid"`
	YCentroid     *float64    `json:"y_centroid"`
	Size          *int        `json:"size"`
	TopDocID      []string    `json:"top_doc_id"`
	TopDocContent []string    `json:"top_doc_content"`
	TopTermID     []string    `json:"top_term_id"`
	ConvexHull    *ConvexHull `json:"convex_hull"`
}

// Term is a noun phrase found in the documents.
type Term struct {
	TermID     string `json:"term_id"`
	Lemma      string `json:"lemma"`
	Ent        string `json:"ent"`
	Ngrams     int    `json:"ngrams"`
	CountTerms int    `json:"count_terms"`
}

// TopicParam holds the topic-modelling parameters of the API
// (TopicParameterApi in the original). The zero value is not the default:
// use DefaultTopicParam.
type TopicParam struct {
	NClusters       int    `json:"n_clusters"`
	Ngrams          []int  `json:"ngrams"`
	NameLength      int    `json:"name_length"`
	TopTermsOverall int    `json:"top_terms_overall"`
	Language        string `json:"language"`
	CleanTopics     bool   `json:"clean_topics"`
	MinCountTerms   int    `json:"min_count_terms"`
}

// DefaultTopicParam returns the defaults that the original API ends up using.
func DefaultTopicParam() TopicParam {
	return TopicParam{
		NClusters:       10,
		Ngrams:          []int{1, 2},
		NameLength:      4,
		TopTermsOverall: 2000,
		Language:        "english",
		CleanTopics:     true,
		MinCountTerms:   1,
	}
}

// BourdieuResponse is the result of a Bourdieu job or refresh.
type BourdieuResponse struct {
	Docs   []Document    `json:"docs"`
	Topics []Topic       `json:"topics"`
	Query  BourdieuQuery `json:"query"`
}

// TopicsResponse is the result of a topics job.
type TopicsResponse struct {
	Docs             []Document        `json:"docs"`
	Topics           []Topic           `json:"topics"`
	BourdieuResponse *BourdieuResponse `json:"bourdieu_response"`
	Terms            []Term            `json:"terms"`
}
