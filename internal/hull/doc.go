// Package hull draws a topic's outline on the map: the convex hull of the
// topic's points, smoothed into a closed curve, as the original BunkaTopics
// does in bunkatopics/visualization/convex_hull_plotter.py
// (get_convex_hull_coord with interpolate_curve=True).
//
// Convex computes the hull with Andrew's monotone chain (A. M. Andrew,
// "Another efficient algorithm for convex hulls in two dimensions",
// Information Processing Letters 9(5), 1979), in O(n log n), keeping only
// the corners: points on an edge and repeated points are left out. The
// vertices come counter-clockwise from the lowest-x (then lowest-y) point;
// scipy.spatial.ConvexHull, which the original uses, gives the same cycle
// from another starting vertex.
//
// Smooth passes a periodic interpolating cubic spline through the hull
// vertices, parameterised by cumulative chord length, and samples it at n
// equally spaced parameters from the first vertex round to it again. This
// is the curve the original gets from scipy's
// splprep([x, y], u=cumulative_chord, s=0, per=1) and splev on
// linspace(0, total_length, 50): with s=0 and per=1, FITPACK's percur
// places the knots of the cubic at the data parameters, so its result is
// the unique C2 periodic cubic spline through the vertices. Here it is
// computed directly: the second derivatives at the vertices solve a cyclic
// tridiagonal system (strictly diagonally dominant, so no pivoting is
// needed), solved by the Thomas algorithm with a Sherman–Morrison
// correction for the corner terms (W. H. Press et al., Numerical Recipes,
// 3rd ed., §2.7.2 "Cyclic tridiagonal systems"; C. de Boor, A Practical
// Guide to Splines, ch. IV).
//
// Like any interpolating spline, the curve may bulge outside the hull
// between vertices (never by more than a fraction of the edge lengths) and,
// on very uneven hulls, dip slightly inside it.
//
// Outline never leaves a topic without one (the original frontend's map
// fails on a null hull): where Smooth has no hull to draw (one distinct
// point, two, or all on one line; the original gave null) it returns the
// boundary of the points within a given radius of the segment they span,
// a circle or a stadium, a quarter of its points on each side and cap.
package hull
