// Package resources builds a Revision's children: Deployment, PodAutoscaler
// and ServerlessService.
package resources
