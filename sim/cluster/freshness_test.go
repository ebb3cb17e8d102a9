package cluster

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// compareKeys orders pods as their keys namespace/name compare, which is
// the apiserver's list order, prefixes and separators included.
func TestCompareKeys(t *testing.T) {
	names := []string{"", "a", "a-b", "a/", "ab", "a0", "a-", "b", "z"}
	for _, ns1 := range names {
		for _, n1 := range names {
			for _, ns2 := range names {
				for _, n2 := range names {
					a := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ns1, Name: n1}}
					b := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ns2, Name: n2}}
					if got, want := compareKeys(a, b), strings.Compare(ns1+"/"+n1, ns2+"/"+n2); got != want {
						t.Fatalf("compareKeys(%s/%s, %s/%s) = %d, want %d", ns1, n1, ns2, n2, got, want)
					}
				}
			}
		}
	}
}
