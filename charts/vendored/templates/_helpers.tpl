{{/* Chart name, or nameOverride. */}}
{{- define "vendored.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full resource name: fullnameOverride, else release-name (the release name alone when it contains the name). */}}
{{- define "vendored.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* chart-version, for the helm.sh/chart label. */}}
{{- define "vendored.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "vendored.labels" -}}
helm.sh/chart: {{ include "vendored.chart" . | quote }}
{{ include "vendored.selectorLabels" . }}
{{- if .Chart.AppVersion }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .Release.Service | quote }}
{{- end }}

{{- define "vendored.selectorLabels" -}}
app.kubernetes.io/name: {{ include "vendored.name" . | quote }}
app.kubernetes.io/instance: {{ .Release.Name | quote }}
{{- end }}

{{/* The container image: repository@digest when image.digest is set, else repository:tag (the tag defaults to appVersion). */}}
{{- define "vendored.image" -}}
{{- $image := .Values.image }}
{{- if $image.digest }}
{{- printf "%s@%s" $image.repository $image.digest }}
{{- else }}
{{- printf "%s:%s" $image.repository ($image.tag | default .Chart.AppVersion) }}
{{- end }}
{{- end }}

{{- define "vendored.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "vendored.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* A value in a message: strings as they are, anything else as JSON. */}}
{{- define "vendored.show" -}}
{{- if kindIs "string" . }}{{ . }}{{ else }}{{ toJson . }}{{ end }}
{{- end }}

{{/*
Kubernetes quantity -> number (cores or bytes), printed so that float64 reads it back.
Call with (list "<key path>" <quantity>). Sub-unit suffixes divide and the others
multiply, as parseQuantity in the CLI does, so "100m" and "0.1" compare equal.
*/}}
{{- define "vendored.quantity" -}}
{{- $path := index . 0 }}
{{- $q := index . 1 }}
{{- $re := "^[+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+|[KMGTPE]i|[numkMGTPE])?$" }}
{{- $bad := printf "%s: must be a Kubernetes quantity such as 500m or 128Mi (got %s)" $path (toJson $q) }}
{{- if not (kindIs "string" $q) }}
{{- if lt (float64 $q) 0.0 }}{{ fail $bad }}{{ end }}
{{- float64 $q }}
{{- else if not (regexMatch $re $q) }}
{{- fail $bad }}
{{- else }}
{{- $num := regexReplaceAll $re $q "${1}" }}
{{- $suffix := regexReplaceAll $re $q "${3}" }}
{{- $div := dict "n" 1e9 "u" 1e6 "m" 1e3 }}
{{- $mul := dict "" 1 "k" 1e3 "M" 1e6 "G" 1e9 "T" 1e12 "P" 1e15 "E" 1e18 "Ki" 1024 "Mi" 1048576 "Gi" 1073741824 "Ti" 1099511627776 "Pi" 1125899906842624 "Ei" 1152921504606846976 }}
{{- if hasKey $div $suffix }}{{ divf $num (get $div $suffix) }}
{{- else if hasKey $mul $suffix }}{{ mulf $num (get $mul $suffix) }}
{{- else }}{{ float64 (trimPrefix "+" $q) }}{{/* decimal exponent, e.g. 1e3 */}}
{{- end }}
{{- end }}
{{- end }}

{{/*
Cross-field rules the schema cannot express; the CLI checks the same ones with the
same messages (src/values/rules.ts). Messages: "<key path>: <expected> (got <value>)".
*/}}
{{- define "vendored.validate" -}}
{{- $v := .Values }}
{{- $res := $v.resources | default dict }}
{{- $req := $res.requests | default dict }}
{{- $lim := $res.limits | default dict }}
{{- range $r := list "cpu" "memory" "ephemeral-storage" }}
{{- if and (hasKey $req $r) (hasKey $lim $r) }}
{{- $rq := get $req $r }}
{{- $lm := get $lim $r }}
{{- $rqn := include "vendored.quantity" (list (printf "resources.requests.%s" $r) $rq) | float64 }}
{{- $lmn := include "vendored.quantity" (list (printf "resources.limits.%s" $r) $lm) | float64 }}
{{- if lt $lmn $rqn }}
{{- fail (printf "resources.limits.%s: must be >= resources.requests.%s (%s) (got %s)" $r $r (include "vendored.show" $rq) (toJson $lm)) }}
{{- end }}
{{- end }}
{{- end }}
{{- $a := $v.autoscaling }}
{{- if $a.enabled }}
{{- if gt (float64 $a.minReplicas) (float64 $a.maxReplicas) }}
{{- fail (printf "autoscaling.minReplicas: must be <= autoscaling.maxReplicas (%s) (got %s)" (include "vendored.show" $a.maxReplicas) (toJson $a.minReplicas)) }}
{{- end }}
{{- if not (or (hasKey $a "targetCPUUtilizationPercentage") (hasKey $a "targetMemoryUtilizationPercentage")) }}
{{- fail "autoscaling.targetCPUUtilizationPercentage: must be set, or autoscaling.targetMemoryUtilizationPercentage, when autoscaling.enabled is true (an HPA needs a metric)" }}
{{- end }}
{{- range $r, $target := dict "cpu" "targetCPUUtilizationPercentage" "memory" "targetMemoryUtilizationPercentage" }}
{{- if and (hasKey $a $target) (not (hasKey $req $r)) }}
{{- fail (printf "resources.requests.%s: must be set when autoscaling.%s is set" $r $target) }}
{{- end }}
{{- end }}
{{- end }}
{{- include "vendored.validatePodDisruptionBudget" . }}
{{- $na := $v.nodeAffinity | default dict }}
{{- if and (or $na.required $na.preferred) (hasKey ($v.affinity | default dict) "nodeAffinity") }}
{{- fail "affinity.nodeAffinity: must be unset when nodeAffinity.required or nodeAffinity.preferred is set" }}
{{- end }}
{{- $volumeNames := list }}
{{- range $i, $vol := $v.volumes }}
{{- if eq (toString $vol.name) "tmp" }}
{{- fail (printf "volumes[%d].name: must not be tmp (the chart's /tmp volume) (got \"tmp\")" $i) }}
{{- end }}
{{- $volumeNames = append $volumeNames $vol.name }}
{{- end }}
{{- range $i, $m := $v.volumeMounts }}
{{- if not (or (eq (toString $m.name) "tmp") (has $m.name $volumeNames)) }}
{{- fail (printf "volumeMounts[%d].name: must name an entry of volumes (got %s)" $i (toJson $m.name)) }}
{{- end }}
{{- end }}
{{- $metrics := $v.metrics | default dict }}
{{- if and (dig "serviceMonitor" "enabled" false $metrics) (not $metrics.enabled) }}
{{- fail "metrics.serviceMonitor.enabled: must be false when metrics.enabled is false (a ServiceMonitor scrapes the metrics port)" }}
{{- end }}
{{- $sleep := $v.preStopSleepSeconds | default 0 }}
{{- if gt (float64 $sleep) 0.0 }}
{{- $grace := 30 }}{{/* Kubernetes' default */}}
{{- if hasKey $v "terminationGracePeriodSeconds" }}{{ $grace = $v.terminationGracePeriodSeconds }}{{ end }}
{{- if le (float64 $grace) (float64 $sleep) }}
{{- fail (printf "terminationGracePeriodSeconds: must be greater than preStopSleepSeconds (%s) (got %s)" (include "vendored.show" $sleep) (toJson $grace)) }}
{{- end }}
{{- end }}
{{- end }}

{{/* A PodDisruptionBudget must protect something and still let a node be drained. */}}
{{- define "vendored.validatePodDisruptionBudget" -}}
{{- $v := .Values }}
{{- $pdb := $v.podDisruptionBudget }}
{{- $drain := "so that a node can be drained" }}
{{- $min := $pdb.minAvailable }}
{{- $max := $pdb.maxUnavailable }}
{{- if and (hasKey $pdb "minAvailable") (hasKey $pdb "maxUnavailable") }}
{{- fail (printf "podDisruptionBudget.maxUnavailable: must not be set together with podDisruptionBudget.minAvailable (set minAvailable to null) (got %s)" (toJson $max)) }}
{{- else if $pdb.enabled }}
{{- if not (or (hasKey $pdb "minAvailable") (hasKey $pdb "maxUnavailable")) }}
{{- fail "podDisruptionBudget.minAvailable: must be set, or podDisruptionBudget.maxUnavailable, when podDisruptionBudget.enabled is true (a PodDisruptionBudget needs one)" }}
{{- else if and (hasKey $pdb "maxUnavailable") (has (toJson $max) (list "0" "\"0%\"")) }}
{{- fail (printf "podDisruptionBudget.maxUnavailable: must be above 0 %s (got %s)" $drain (toJson $max)) }}
{{- else if eq (toJson $min) "\"100%\"" }}
{{- fail (print "podDisruptionBudget.minAvailable: must be below 100% " $drain " (got \"100%\")") }}
{{- else if hasKey $pdb "minAvailable" }}
{{- $key := "replicaCount" }}
{{- $replicas := $v.replicaCount }}
{{- if $v.autoscaling.enabled }}{{ $key = "autoscaling.minReplicas" }}{{ $replicas = $v.autoscaling.minReplicas }}{{ end }}
{{- /* pods that must stay: a count, or a percentage of the replicas rounded up (as the eviction API does) */}}
{{- $staying := 0.0 }}
{{- if kindIs "string" $min }}{{ $staying = ceil (divf (mulf (trimSuffix "%" $min | float64) (float64 $replicas)) 100) }}
{{- else }}{{ $staying = float64 $min }}{{ end }}
{{- if and (gt (float64 $replicas) 0.0) (ge $staying (float64 $replicas)) }}
{{- fail (printf "podDisruptionBudget.minAvailable: must be below %s (%s) %s (got %s)" $key (include "vendored.show" $replicas) $drain (toJson $min)) }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}

{{/* A nodeAffinity list entry as a NodeSelectorRequirement (no weight, no empty values), as JSON. */}}
{{- define "vendored.matchExpression" -}}
{{- $e := omit . "weight" }}
{{- if not $e.values }}{{ $e = omit $e "values" }}{{ end }}
{{- toJson $e }}
{{- end }}

{{/*
The pod's affinity: raw .Values.affinity (pod affinity / anti-affinity), plus nodeAffinity
built from the structured lists: all required entries ANDed in one node selector term,
each preferred entry a weighted term of its own.
*/}}
{{- define "vendored.affinity" -}}
{{- $affinity := deepCopy (.Values.affinity | default dict) }}
{{- $na := .Values.nodeAffinity | default dict }}
{{- $required := list }}
{{- range $na.required }}
{{- $required = append $required (include "vendored.matchExpression" . | fromJson) }}
{{- end }}
{{- $preferred := list }}
{{- range $na.preferred }}
{{- $term := dict "matchExpressions" (list (include "vendored.matchExpression" . | fromJson)) }}
{{- $preferred = append $preferred (dict "weight" (int .weight) "preference" $term) }}
{{- end }}
{{- if or $required $preferred }}
{{- $node := dict }}
{{- with $required }}
{{- $_ := set $node "requiredDuringSchedulingIgnoredDuringExecution" (dict "nodeSelectorTerms" (list (dict "matchExpressions" .))) }}
{{- end }}
{{- with $preferred }}
{{- $_ := set $node "preferredDuringSchedulingIgnoredDuringExecution" . }}
{{- end }}
{{- $_ := set $affinity "nodeAffinity" $node }}
{{- end }}
{{- with $affinity }}
{{- toYaml . }}
{{- end }}
{{- end }}

{{/*
Container env: PORT (the containerPort), GOMAXPROCS from the CPU limit (downward API),
GOMEMLIMIT as goRuntime.memoryLimitPercent of the memory limit in bytes (computed here),
each unless env sets it; then secretEnv, then .Values.env.
*/}}
{{- define "vendored.env" -}}
{{- $names := list }}
{{- range .Values.env }}{{ $names = append $names .name }}{{ end }}
{{- $limits := dig "limits" dict (.Values.resources | default dict) }}
{{- $rt := .Values.goRuntime }}
{{- $env := list }}
{{- if not (has "PORT" $names) }}
{{- $env = append $env (dict "name" "PORT" "value" (toString (.Values.containerPort | int64))) }}
{{- end }}
{{- if and $rt.maxProcsFromCpuLimit (hasKey $limits "cpu") (not (has "GOMAXPROCS" $names)) }}
{{- $env = append $env (dict "name" "GOMAXPROCS" "valueFrom" (dict "resourceFieldRef" (dict "resource" "limits.cpu"))) }}
{{- end }}
{{- if and $rt.memoryLimitFromResources (hasKey $limits "memory") (not (has "GOMEMLIMIT" $names)) }}
{{- $bytes := include "vendored.quantity" (list "resources.limits.memory" $limits.memory) | float64 }}
{{- $percent := $rt.memoryLimitPercent | default 90 }}
{{- $env = append $env (dict "name" "GOMEMLIMIT" "value" (divf (mulf $bytes $percent) 100 | floor | int64 | toString)) }}
{{- end }}
{{- range .Values.secretEnv }}
{{- $ref := dict "name" .secretName "key" .key }}
{{- if hasKey . "optional" }}{{ $_ := set $ref "optional" .optional }}{{ end }}
{{- $env = append $env (dict "name" .name "valueFrom" (dict "secretKeyRef" $ref)) }}
{{- end }}
{{- with concat $env .Values.env }}
{{- toYaml . }}
{{- end }}
{{- end }}

{{/* topologySpreadConstraints; an entry without labelSelector selects this release's pods. */}}
{{- define "vendored.topologySpreadConstraints" -}}
{{- $out := list }}
{{- range .Values.topologySpreadConstraints }}
{{- $c := deepCopy . }}
{{- if not (hasKey $c "labelSelector") }}
{{- $_ := set $c "labelSelector" (dict "matchLabels" (include "vendored.selectorLabels" $ | fromYaml)) }}
{{- end }}
{{- $out = append $out $c }}
{{- end }}
{{- with $out }}
{{- toYaml . }}
{{- end }}
{{- end }}

{{/* envFrom: .Values.envFrom, then the chart's ConfigMap (config), whose keys win. */}}
{{- define "vendored.envFrom" -}}
{{- $from := .Values.envFrom | default list }}
{{- if .Values.config }}
{{- $from = append $from (dict "configMapRef" (dict "name" (include "vendored.fullname" .))) }}
{{- end }}
{{- with $from }}
{{- toYaml . }}
{{- end }}
{{- end }}

{{/* Name of the service port: grpc when service.appProtocol is grpc, else http. */}}
{{- define "vendored.portName" -}}
{{- if eq (.Values.service.appProtocol | default "") "grpc" }}grpc{{ else }}http{{ end }}
{{- end }}

{{/* metrics.port when metrics are on and served on a port of their own, else nothing. */}}
{{- define "vendored.metricsPort" -}}
{{- $m := .Values.metrics | default dict }}
{{- if and $m.enabled $m.port (ne (int64 $m.port) (int64 .Values.containerPort)) }}{{ $m.port | int64 }}{{ end }}
{{- end }}

{{/* The named port Prometheus scrapes: metrics on a port of their own, else the service port. */}}
{{- define "vendored.metricsPortName" -}}
{{- if include "vendored.metricsPort" . }}metrics{{ else }}{{ include "vendored.portName" . }}{{ end }}
{{- end }}

{{/* Labels of this release's test pod (not the selector labels: the Service must not select it). */}}
{{- define "vendored.testLabels" -}}
app.kubernetes.io/instance: {{ .Release.Name | quote }}
app.kubernetes.io/component: "test"
{{- end }}
