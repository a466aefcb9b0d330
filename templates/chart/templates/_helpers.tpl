{{/* Chart name, or nameOverride. */}}
{{- define "goservice.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full resource name: fullnameOverride, else release-name (the release name alone when it contains the name). */}}
{{- define "goservice.fullname" -}}
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
{{- define "goservice.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "goservice.labels" -}}
helm.sh/chart: {{ include "goservice.chart" . | quote }}
{{ include "goservice.selectorLabels" . }}
{{- if .Chart.AppVersion }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .Release.Service | quote }}
{{- end }}

{{- define "goservice.selectorLabels" -}}
app.kubernetes.io/name: {{ include "goservice.name" . | quote }}
app.kubernetes.io/instance: {{ .Release.Name | quote }}
{{- end }}

{{/* The container image: repository@digest when image.digest is set, else repository:tag (the tag defaults to appVersion). */}}
{{- define "goservice.image" -}}
{{- $image := .Values.image }}
{{- if $image.digest }}
{{- printf "%s@%s" $image.repository $image.digest }}
{{- else }}
{{- printf "%s:%s" $image.repository ($image.tag | default .Chart.AppVersion) }}
{{- end }}
{{- end }}

{{- define "goservice.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "goservice.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* A value in a message: strings as they are, anything else as JSON. */}}
{{- define "goservice.show" -}}
{{- if kindIs "string" . }}{{ . }}{{ else }}{{ toJson . }}{{ end }}
{{- end }}

{{/*
Kubernetes quantity -> number (cores or bytes), printed so that float64 reads it back.
Call with (list "<key path>" <quantity>). Sub-unit suffixes divide and the others
multiply, as parseQuantity in the CLI does, so "100m" and "0.1" compare equal.
*/}}
{{- define "goservice.quantity" -}}
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
{{- define "goservice.validate" -}}
{{- $v := .Values }}
{{- $res := $v.resources | default dict }}
{{- $req := $res.requests | default dict }}
{{- $lim := $res.limits | default dict }}
{{- range $r := list "cpu" "memory" }}
{{- if and (hasKey $req $r) (hasKey $lim $r) }}
{{- $rq := get $req $r }}
{{- $lm := get $lim $r }}
{{- $rqn := include "goservice.quantity" (list (printf "resources.requests.%s" $r) $rq) | float64 }}
{{- $lmn := include "goservice.quantity" (list (printf "resources.limits.%s" $r) $lm) | float64 }}
{{- if lt $lmn $rqn }}
{{- fail (printf "resources.limits.%s: must be >= resources.requests.%s (%s) (got %s)" $r $r (include "goservice.show" $rq) (toJson $lm)) }}
{{- end }}
{{- end }}
{{- end }}
{{- $a := $v.autoscaling }}
{{- if $a.enabled }}
{{- if gt (float64 $a.minReplicas) (float64 $a.maxReplicas) }}
{{- fail (printf "autoscaling.minReplicas: must be <= autoscaling.maxReplicas (%s) (got %s)" (include "goservice.show" $a.maxReplicas) (toJson $a.minReplicas)) }}
{{- end }}
{{- range $r, $target := dict "cpu" "targetCPUUtilizationPercentage" "memory" "targetMemoryUtilizationPercentage" }}
{{- if and (hasKey $a $target) (not (hasKey $req $r)) }}
{{- fail (printf "resources.requests.%s: must be set when autoscaling.%s is set" $r $target) }}
{{- end }}
{{- end }}
{{- end }}
{{- $pdb := $v.podDisruptionBudget }}
{{- if and (hasKey $pdb "minAvailable") (hasKey $pdb "maxUnavailable") }}
{{- fail (printf "podDisruptionBudget.maxUnavailable: must not be set together with podDisruptionBudget.minAvailable (set minAvailable to null) (got %s)" (toJson $pdb.maxUnavailable)) }}
{{- end }}
{{- $na := $v.nodeAffinity | default dict }}
{{- if and (or $na.required $na.preferred) (hasKey ($v.affinity | default dict) "nodeAffinity") }}
{{- fail "affinity.nodeAffinity: must be unset when nodeAffinity.required or nodeAffinity.preferred is set" }}
{{- end }}
{{- end }}

{{/* A nodeAffinity list entry as a NodeSelectorRequirement (no weight, no empty values), as JSON. */}}
{{- define "goservice.matchExpression" -}}
{{- $e := omit . "weight" }}
{{- if not $e.values }}{{ $e = omit $e "values" }}{{ end }}
{{- toJson $e }}
{{- end }}

{{/*
The pod's affinity: raw .Values.affinity (pod affinity / anti-affinity), plus nodeAffinity
built from the structured lists: all required entries ANDed in one node selector term,
each preferred entry a weighted term of its own.
*/}}
{{- define "goservice.affinity" -}}
{{- $affinity := deepCopy (.Values.affinity | default dict) }}
{{- $na := .Values.nodeAffinity | default dict }}
{{- $required := list }}
{{- range $na.required }}
{{- $required = append $required (include "goservice.matchExpression" . | fromJson) }}
{{- end }}
{{- $preferred := list }}
{{- range $na.preferred }}
{{- $term := dict "matchExpressions" (list (include "goservice.matchExpression" . | fromJson)) }}
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

{{/* Container env: PORT (the containerPort), GOMEMLIMIT / GOMAXPROCS from the limits (each unless env sets it), then .Values.env. */}}
{{- define "goservice.env" -}}
{{- $names := list }}
{{- range .Values.env }}{{ $names = append $names .name }}{{ end }}
{{- $limits := dig "limits" dict (.Values.resources | default dict) }}
{{- $rt := .Values.goRuntime }}
{{- $env := list }}
{{- if not (has "PORT" $names) }}
{{- $env = append $env (dict "name" "PORT" "value" (toString (.Values.containerPort | int64))) }}
{{- end }}
{{- range $var, $from := dict "GOMEMLIMIT" (list $rt.memoryLimitFromResources "memory") "GOMAXPROCS" (list $rt.maxProcsFromCpuLimit "cpu") }}
{{- $resource := index $from 1 }}
{{- if and (index $from 0) (hasKey $limits $resource) (not (has $var $names)) }}
{{- $env = append $env (dict "name" $var "valueFrom" (dict "resourceFieldRef" (dict "resource" (printf "limits.%s" $resource)))) }}
{{- end }}
{{- end }}
{{- with concat $env .Values.env }}
{{- toYaml . }}
{{- end }}
{{- end }}

{{/* topologySpreadConstraints; an entry without labelSelector selects this release's pods. */}}
{{- define "goservice.topologySpreadConstraints" -}}
{{- $out := list }}
{{- range .Values.topologySpreadConstraints }}
{{- $c := deepCopy . }}
{{- if not (hasKey $c "labelSelector") }}
{{- $_ := set $c "labelSelector" (dict "matchLabels" (include "goservice.selectorLabels" $ | fromYaml)) }}
{{- end }}
{{- $out = append $out $c }}
{{- end }}
{{- with $out }}
{{- toYaml . }}
{{- end }}
{{- end }}
