package topics

import (
	"cmp"
	"slices"
)

// SpecificityScores returns the signed chi-square contribution of every cell
// of a contingency table of counts: (o - e)^2 / e with the sign of (o - e),
// where e = row total * column total / grand total. Cells of an empty row or
// column score 0. The table must be rectangular.
func SpecificityScores(counts [][]float64) [][]float64 {
	rows := len(counts)
	if rows == 0 {
		return nil
	}
	cols := len(counts[0])
	rowSum := make([]float64, rows)
	colSum := make([]float64, cols)
	var n float64
	for i, row := range counts {
		if len(row) != cols {
			panic("topics: SpecificityScores: ragged table")
		}
		for j, v := range row {
			rowSum[i] += v
			colSum[j] += v
			n += v
		}
	}
	out := make([][]float64, rows)
	for i, row := range counts {
		out[i] = make([]float64, cols)
		if n == 0 {
			continue
		}
		for j, o := range row {
			e := rowSum[i] * colSum[j] / n
			if e == 0 {
				continue
			}
			d := o - e
			s := d * d / e
			switch {
			case d < 0:
				s = -s
			case d == 0:
				s = 0
			}
			out[i][j] = s
		}
	}
	return out
}

// TopSpecific returns, for each row of scores, the indices of its positive
// cells, highest score first, ties in column order, at most topN of them.
func TopSpecific(scores [][]float64, topN int) [][]int {
	out := make([][]int, len(scores))
	for i, row := range scores {
		var idx []int
		for j, s := range row {
			if s > 0 {
				idx = append(idx, j)
			}
		}
		slices.SortStableFunc(idx, func(a, b int) int {
			return cmp.Compare(row[b], row[a])
		})
		if topN >= 0 && len(idx) > topN {
			idx = idx[:topN]
		}
		out[i] = idx
	}
	return out
}

// table is the topic x term contingency table of the (document, term) pairs
// of a topic map.
type table struct {
	topics []string    // row labels, sorted as strings
	terms  []string    // column labels: total count descending, then first appearance
	counts [][]float64 // counts[row][col]
}

// buildTable counts the (topic, term) pairs of docs over the terms in keep.
// The columns are ordered as pandas' value_counts leaves them in the
// original: by total count descending, ties in order of first appearance in
// the (document, term) rows.
func buildTable(docs []docView, keep map[string]bool) *table {
	type pair struct{ topic, term int }
	topicIdx := map[string]int{}
	termIdx := map[string]int{}
	var topicNames, termNames []string
	var termTotal []int
	var pairs []pair
	for _, d := range docs {
		for _, t := range d.terms {
			if !keep[t] {
				continue
			}
			ti, ok := topicIdx[d.topic]
			if !ok {
				ti = len(topicNames)
				topicIdx[d.topic] = ti
				topicNames = append(topicNames, d.topic)
			}
			ci, ok := termIdx[t]
			if !ok {
				ci = len(termNames)
				termIdx[t] = ci
				termNames = append(termNames, t)
				termTotal = append(termTotal, 0)
			}
			termTotal[ci]++
			pairs = append(pairs, pair{ti, ci})
		}
	}
	// Row order: topic ids as strings; column order: count desc, stable.
	rowOrder := make([]int, len(topicNames))
	for i := range rowOrder {
		rowOrder[i] = i
	}
	slices.SortFunc(rowOrder, func(a, b int) int { return cmp.Compare(topicNames[a], topicNames[b]) })
	colOrder := make([]int, len(termNames))
	for i := range colOrder {
		colOrder[i] = i
	}
	slices.SortStableFunc(colOrder, func(a, b int) int { return cmp.Compare(termTotal[b], termTotal[a]) })
	rowPos := make([]int, len(topicNames))
	for p, i := range rowOrder {
		rowPos[i] = p
	}
	colPos := make([]int, len(termNames))
	for p, i := range colOrder {
		colPos[i] = p
	}
	tb := &table{
		topics: make([]string, len(topicNames)),
		terms:  make([]string, len(termNames)),
		counts: make([][]float64, len(topicNames)),
	}
	for i, name := range topicNames {
		tb.topics[rowPos[i]] = name
	}
	for i, name := range termNames {
		tb.terms[colPos[i]] = name
	}
	for i := range tb.counts {
		tb.counts[i] = make([]float64, len(termNames))
	}
	for _, p := range pairs {
		tb.counts[rowPos[p.topic]][colPos[p.term]]++
	}
	return tb
}
