package llm

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	openai "github.com/sashabaranov/go-openai"
	"golang.org/x/sync/errgroup"

	"github.com/bunkatopics/bunka-go/internal/pipeline"
	"github.com/bunkatopics/bunka-go/internal/topicmap"
)

// DefaultModel is used when Options.Model and BUNKA_LLM_MODEL are empty: a
// small, cheap chat model that names topics well.
const DefaultModel = "gpt-4o-mini"

// Options configure a Namer. The zero value of each field means its default.
type Options struct {
	APIKey       string        // "": no requests, topics keep their names
	OrgID        string        // OpenAI organisation, optional
	BaseURL      string        // "": https://api.openai.com/v1
	Model        string        // "": DefaultModel
	Context      string        // what the data is about; "": "everything"
	UseDocs      bool          // also send the topic's top documents
	TopTerms     int           // terms sent per topic; 0: 10
	TopDocs      int           // documents sent per topic when UseDocs; 0: 3
	Concurrency  int           // requests at a time; 0: 4
	Timeout      time.Duration // per request; 0: 30s
	TotalTimeout time.Duration // per NameTopics call, retries included (see there); 0: DefaultTotalTimeout, <0: none
	Retries      int           // further tries after a 429, 5xx, network error or timeout; 0: 3, <0: none
	Backoff      time.Duration // wait before the first retry, doubled each time; 0: 1s
	HTTPClient   *http.Client  // nil: a plain http.Client (the timeout is per request, by context)
	Logger       *slog.Logger  // nil: slog.Default()

	envErr error // a setting OptionsFromEnv could not read, logged by New
}

// DefaultTotalTimeout is Options.TotalTimeout's default: a job names its
// topics and then its Bourdieu topics, so an LLM endpoint that hangs delays
// it by at most twice this.
const DefaultTotalTimeout = 60 * time.Second

// OptionsFromEnv reads the key from OPEN_AI_KEY (the original's name) or
// OPENAI_API_KEY, the organisation from OPEN_AI_ORG_ID, the base URL from
// OPENAI_BASE_URL, the model from BUNKA_LLM_MODEL, the context from
// BUNKA_LLM_CONTEXT, whether to send the top documents from
// BUNKA_LLM_USE_DOCS (true/false, 1/0) and the overall time limit of one
// naming from BUNKA_LLM_TIMEOUT (a Go duration such as "90s" or "2m", or a
// number of seconds; negative: none). A value it cannot read leaves the
// default, and New logs a warning.
func OptionsFromEnv(lookup func(string) (string, bool)) Options {
	if lookup == nil {
		lookup = os.LookupEnv
	}
	get := func(k string) string { v, _ := lookup(k); return strings.TrimSpace(v) }
	key := get("OPEN_AI_KEY")
	if key == "" {
		key = get("OPENAI_API_KEY")
	}
	useDocs, _ := strconv.ParseBool(get("BUNKA_LLM_USE_DOCS"))
	o := Options{
		APIKey:  key,
		OrgID:   get("OPEN_AI_ORG_ID"),
		BaseURL: get("OPENAI_BASE_URL"),
		Model:   get("BUNKA_LLM_MODEL"),
		Context: get("BUNKA_LLM_CONTEXT"),
		UseDocs: useDocs,
	}
	if v := get("BUNKA_LLM_TIMEOUT"); v != "" {
		d, err := parseDuration(v)
		if err != nil {
			o.envErr = fmt.Errorf("BUNKA_LLM_TIMEOUT=%q: want a duration such as 90s or 2m, or seconds", v)
		}
		o.TotalTimeout = d
	}
	return o
}

// parseDuration reads a Go duration, or a plain number as seconds.
func parseDuration(s string) (time.Duration, error) {
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return time.Duration(f * float64(time.Second)), nil
	}
	return time.ParseDuration(s)
}

func (o Options) withDefaults() Options {
	if o.Model == "" {
		o.Model = DefaultModel
	}
	if o.Context == "" {
		o.Context = "everything"
	}
	if o.TopTerms <= 0 {
		o.TopTerms = 10
	}
	if o.TopDocs <= 0 {
		o.TopDocs = 3
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 4
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	if o.Retries == 0 {
		o.Retries = 3
	} else if o.Retries < 0 {
		o.Retries = 0
	}
	if o.TotalTimeout == 0 {
		o.TotalTimeout = DefaultTotalTimeout
	}
	if o.Backoff <= 0 {
		o.Backoff = time.Second
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{}
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

// Namer names topics with an LLM. It is safe for concurrent use.
type Namer struct {
	opts   Options
	client *openai.Client // nil without a key
}

var _ pipeline.Namer = (*Namer)(nil)

// New returns a Namer for opts.
func New(opts Options) *Namer {
	opts = opts.withDefaults()
	n := &Namer{opts: opts}
	if opts.envErr != nil {
		opts.Logger.Warn("llm: setting ignored", "err", opts.envErr, "total_timeout", opts.TotalTimeout)
	}
	if opts.APIKey != "" {
		cfg := openai.DefaultConfig(opts.APIKey)
		if opts.BaseURL != "" {
			cfg.BaseURL = strings.TrimRight(opts.BaseURL, "/")
		}
		cfg.OrgID = opts.OrgID
		cfg.HTTPClient = opts.HTTPClient
		n.client = openai.NewClientWithConfig(cfg)
	}
	return n
}

// Enabled reports whether the Namer has a key, so would send requests.
func (n *Namer) Enabled() bool { return n.client != nil }

// Model is the chat model the Namer asks (BUNKA_LLM_MODEL or the default).
func (n *Namer) Model() string { return n.opts.Model }

// NameTopics asks the LLM for a name for each topic and returns the names
// it got by topic id; the topics it could not name are left out (they keep
// their term-based names) and the log says why. Options.TotalTimeout
// bounds the whole call: when it passes, the requests under way are
// cancelled, the topics not yet named keep their term-based names and the
// log lists them; that is no error. The error is non-nil only when ctx ends.
func (n *Namer) NameTopics(ctx context.Context, topics []topicmap.Topic, language string) (map[string]string, error) {
	log := n.opts.Logger
	if n.client == nil {
		log.WarnContext(ctx, "llm: no API key (OPEN_AI_KEY or OPENAI_API_KEY); topics keep their term-based names", "topics", len(topics))
		return nil, nil
	}
	if language == "" {
		language = "english"
	}
	parent := ctx
	if n.opts.TotalTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, n.opts.TotalTimeout, errTotalTimeout)
		defer cancel()
	}
	var (
		mu    sync.Mutex
		names = make(map[string]string, len(topics))
		g     errgroup.Group // no request's error stops the others
	)
	g.SetLimit(n.opts.Concurrency)
	for _, t := range topics {
		terms := topicTerms(t, n.opts.TopTerms)
		if len(terms) == 0 {
			log.WarnContext(ctx, "llm: topic has no terms; keeping its name", "topic", t.TopicID)
			continue
		}
		var docs []string
		if n.opts.UseDocs {
			docs = t.TopDocContent[:min(len(t.TopDocContent), n.opts.TopDocs)]
		}
		prompt := Prompt(terms, docs, n.opts.Context, language)
		if ctx.Err() != nil {
			break
		}
		g.Go(func() error {
			if ctx.Err() != nil {
				return nil // the time ran out while this one waited for a turn
			}
			start := time.Now()
			name, err := n.ask(ctx, prompt)
			if err != nil && parent.Err() == nil && context.Cause(ctx) == errTotalTimeout && !errors.Is(err, errTotalTimeout) {
				err = fmt.Errorf("%w: %w", errTotalTimeout, err)
			}
			if err != nil {
				log.WarnContext(ctx, "llm: keeping the term-based name", "topic", t.TopicID, "name", t.Name, "err", err)
				return nil
			}
			log.DebugContext(ctx, "llm: topic named", "topic", t.TopicID, "from", t.Name, "to", name, "took", time.Since(start))
			mu.Lock()
			names[t.TopicID] = name
			mu.Unlock()
			return nil
		})
	}
	g.Wait()
	if err := parent.Err(); err != nil {
		return names, err
	}
	if ctx.Err() != nil {
		var left []string
		for _, t := range topics {
			if _, ok := names[t.TopicID]; !ok {
				left = append(left, t.TopicID)
			}
		}
		log.WarnContext(ctx, "llm: time limit for naming reached; the other topics keep their term-based names",
			"total_timeout", n.opts.TotalTimeout, "named", len(names), "unnamed", left)
	}
	return names, nil
}

// errTotalTimeout is the cause of a NameTopics context that
// Options.TotalTimeout ended.
var errTotalTimeout = errors.New("time limit for naming reached")

// topicTerms returns the terms of a topic's name (the original splits the
// name on " | "), or its term ids when the name is empty, at most n.
func topicTerms(t topicmap.Topic, n int) []string {
	var terms []string
	for _, s := range strings.Split(t.Name, " | ") {
		if s = strings.TrimSpace(s); s != "" {
			terms = append(terms, s)
		}
	}
	if len(terms) == 0 {
		terms = t.TermID
	}
	return terms[:min(len(terms), n)]
}

// errEmpty is an answer with no name in it.
var errEmpty = errors.New("empty answer")

// ask sends one prompt, with retries, and returns the cleaned name.
func (n *Namer) ask(ctx context.Context, prompt string) (string, error) {
	req := openai.ChatCompletionRequest{
		Model: n.opts.Model,
		Messages: []openai.ChatCompletionMessage{
			{Role: openai.ChatMessageRoleSystem, Content: systemPrompt},
			{Role: openai.ChatMessageRoleUser, Content: prompt},
		},
		Temperature: 0,
		MaxTokens:   20,
	}
	wait := n.opts.Backoff
	for attempt := 0; ; attempt++ {
		actx, cancel := context.WithTimeout(ctx, n.opts.Timeout)
		resp, err := n.client.CreateChatCompletion(actx, req)
		timedOut := actx.Err() != nil && ctx.Err() == nil
		cancel()
		if err == nil {
			if len(resp.Choices) == 0 {
				return "", errEmpty
			}
			name := CleanName(resp.Choices[0].Message.Content)
			if name == "" {
				return "", fmt.Errorf("%w (%q)", errEmpty, resp.Choices[0].Message.Content)
			}
			return name, nil
		}
		if timedOut {
			err = fmt.Errorf("no answer in %v: %w", n.opts.Timeout, err)
		}
		if ctx.Err() != nil || attempt >= n.opts.Retries || !(timedOut || retryable(err)) {
			return "", fmt.Errorf("after %d tries: %w", attempt+1, err)
		}
		n.opts.Logger.DebugContext(ctx, "llm: retrying", "attempt", attempt+1, "wait", wait, "err", err)
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return "", ctx.Err()
		}
		wait *= 2
	}
}

// retryable reports whether err is worth another try: rate limits, server
// errors and network failures, not bad requests, bad keys or bad answers.
func retryable(err error) bool {
	var apiErr *openai.APIError
	if errors.As(err, &apiErr) {
		return apiErr.HTTPStatusCode == http.StatusTooManyRequests || apiErr.HTTPStatusCode >= 500
	}
	var reqErr *openai.RequestError
	if errors.As(err, &reqErr) {
		return reqErr.HTTPStatusCode == http.StatusTooManyRequests || reqErr.HTTPStatusCode >= 500
	}
	var netErr net.Error
	return errors.As(err, &netErr) || errors.Is(err, context.DeadlineExceeded)
}
