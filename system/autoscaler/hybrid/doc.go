// Package hybrid is the hybrid histogram policy of M. Shahrad et al.,
// "Serverless in the Wild: Characterizing and Optimizing the Serverless
// Workload at a Large Cloud Provider", USENIX ATC 2020 (section 4.2),
// class hybrid.autoscaling.knsim.dev.
//
// Per application (here: per revision) it keeps a histogram of idle times,
// the gaps between the end of one burst of requests (no request in flight
// or waiting) and the next arrival, in 1-minute bins over 4 hours. From
// it:
//
//   - pre-warm window: the head of the distribution (the 5th percentile,
//     the lower edge of its bin) less a 10 % margin. After the revision
//     goes idle its instances are removed at once, and one instance is
//     started again when the pre-warm window has passed;
//   - keep-alive window: from the end of the pre-warm window until the
//     tail (the 99th percentile, the upper edge of its bin) plus a 10 %
//     margin, after which the pre-warmed instance goes too. With a
//     pre-warm window of 0 each instance is kept alive for the whole
//     window from its own last request, as the fixed keep-alive does.
//
// The histogram is not representative, and the policy falls back to a
// fixed keep-alive with no pre-warming, when it holds fewer than
// MinSamples idle times, when the coefficient of variation of its bin
// counts is below CVThreshold (the idle times are spread evenly: no
// pattern), or when more than MaxOutOfRange of the idle times were longer
// than the 4-hour range. The paper predicts the latter with an ARIMA model
// of the idle times; knsim does not: an idle time beyond the range is
// counted (it makes the histogram less representative) and otherwise
// ignored, and a revision whose idle times are mostly beyond the range
// gets the fixed keep-alive. The fallback keep-alive is the revision's
// autoscaling.knsim.dev/keep-alive annotation, or by default the
// histogram's range, as the paper's fallback ("standard keep-alive")
// keeps an application for the whole range.
//
// Parameters (Config; the defaults are the paper's unless said):
//
//	BinWidth       1m      histogram bin
//	Range          4h      histogram range (240 bins)
//	Head, Tail     5, 99   percentiles of the pre-warm and keep-alive ends
//	Margin         0.10    pre-warm shortened and keep-alive end lengthened by it
//	CVThreshold    2       below it the bin counts show no pattern
//	MinSamples     10      fewer idle times are not a pattern (knsim's choice)
//	MaxOutOfRange  0.5     larger shares of idle times beyond Range fall back (knsim's choice)
//
// and the annotation autoscaling.knsim.dev/keep-alive (the fallback).
//
// Idle times are measured on the data plane's observations (every second,
// and whenever a request waits): an idle time ends at the revision's
// latest arrival, so gaps shorter than a second may be missed, which a
// 1-minute-bin histogram does not notice.
package hybrid
