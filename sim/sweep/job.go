package sweep

import (
	"fmt"
	"strconv"
	"strings"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
)

// JobConfig describes the Kubernetes Job that runs a sweep's shards.
type JobConfig struct {
	// Name is the Job's name; Namespace its namespace (default "default").
	Name, Namespace string
	// Image is a knsim image (tools/docker/Dockerfile) holding the sweep
	// file and its scenario.
	Image string
	// SweepFile is the sweep file's path inside the image.
	SweepFile string
	// Shards is the Job's completions: pod i runs shard i.
	Shards int
	// Workers is each pod's --workers (default 1: a pod's CPU request).
	Workers int
	// Claim is the PersistentVolumeClaim the shards write to, each into
	// its folder shard-<i>; mount it in a pod that runs
	// `knsim merge /results/shard-*` afterwards.
	Claim string
	// CPU and Memory are each pod's requests (default 1 and 1Gi).
	CPU, Memory string
}

// ImageUser is the user id tools/docker/Dockerfile's image runs as.
const ImageUser int64 = 65532

// ResultsPath is where the Job's pods mount the claim.
const ResultsPath = "/results"

// Job builds the Indexed Job whose pod i runs `knsim sweep --shards N`
// with JOB_COMPLETION_INDEX i and writes into ResultsPath/shard-<i>.
func Job(c JobConfig) (*batchv1.Job, error) {
	switch {
	case c.Image == "":
		return nil, fmt.Errorf("the Job needs an image (--image)")
	case c.Shards < 1:
		return nil, fmt.Errorf("the Job needs at least one shard, got %d", c.Shards)
	case c.SweepFile == "":
		return nil, fmt.Errorf("the Job needs the sweep file's path in the image")
	case c.Claim == "":
		return nil, fmt.Errorf("the Job needs a PersistentVolumeClaim for the results")
	}
	if c.Namespace == "" {
		c.Namespace = "default"
	}
	if c.Workers < 1 {
		c.Workers = 1
	}
	if errs := validation.IsDNS1123Subdomain(c.Name); len(errs) > 0 {
		return nil, fmt.Errorf("job name %q: %s", c.Name, strings.Join(errs, "; "))
	}
	cpu, mem := c.CPU, c.Memory
	if cpu == "" {
		cpu = strconv.Itoa(c.Workers)
	}
	if mem == "" {
		mem = "1Gi"
	}
	reqs, err := resources(cpu, mem)
	if err != nil {
		return nil, err
	}
	n := int32(c.Shards)
	indexed := batchv1.IndexedCompletion
	never := false
	job := &batchv1.Job{
		TypeMeta:   metav1.TypeMeta{APIVersion: "batch/v1", Kind: "Job"},
		ObjectMeta: metav1.ObjectMeta{Name: c.Name, Namespace: c.Namespace, Labels: map[string]string{"app.kubernetes.io/name": "knsim-sweep"}},
		Spec: batchv1.JobSpec{
			CompletionMode: &indexed,
			Completions:    &n,
			Parallelism:    &n,
			BackoffLimit:   ptr(int32(3 * c.Shards)),
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app.kubernetes.io/name": "knsim-sweep"}},
				Spec: corev1.PodSpec{
					RestartPolicy:                corev1.RestartPolicyNever,
					AutomountServiceAccountToken: &never,
					// The image's user (distroless nonroot); fsGroup lets it
					// write to the claim.
					SecurityContext: &corev1.PodSecurityContext{RunAsNonRoot: ptr(true), RunAsUser: ptr(ImageUser), FSGroup: ptr(ImageUser)},
					Containers: []corev1.Container{{
						Name:  "sweep",
						Image: c.Image,
						Args: []string{"sweep", c.SweepFile, "--shards", strconv.Itoa(c.Shards),
							"--workers", strconv.Itoa(c.Workers), "--out", ResultsPath + "/shard-$(JOB_COMPLETION_INDEX)"},
						// Set by the Job controller too; declared so that
						// $(JOB_COMPLETION_INDEX) in args expands.
						Env: []corev1.EnvVar{{Name: "JOB_COMPLETION_INDEX", ValueFrom: &corev1.EnvVarSource{
							FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']"}}}},
						Resources:    corev1.ResourceRequirements{Requests: reqs},
						VolumeMounts: []corev1.VolumeMount{{Name: "results", MountPath: ResultsPath}},
					}},
					Volumes: []corev1.Volume{{Name: "results", VolumeSource: corev1.VolumeSource{
						PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: c.Claim}}}},
				},
			},
		},
	}
	return job, nil
}

// resources parses a pod's CPU and memory requests.
func resources(cpu, mem string) (corev1.ResourceList, error) {
	c, err := resource.ParseQuantity(cpu)
	if err != nil {
		return nil, fmt.Errorf("cpu request %q: %w", cpu, err)
	}
	m, err := resource.ParseQuantity(mem)
	if err != nil {
		return nil, fmt.Errorf("memory request %q: %w", mem, err)
	}
	return corev1.ResourceList{corev1.ResourceCPU: c, corev1.ResourceMemory: m}, nil
}

func ptr[T any](v T) *T { return &v }
