// Every combination of `ci` flags the tests generate pipelines with: the GitHub
// workflow of each must pass actionlint (with shellcheck) without a finding.
export const CI_FLAG_SETS: string[][] = [
  [],
  ['--env', 'staging=shop-staging', '--env', 'production=shop'],
  ['--registry', 'oci://registry.example.com:5000/team', '--version-from', 'tag', '--branch', 'release/1.x', '--release', 'shop', '--env', 'qa=qa', '--env', 'prod=shop'],
  ['--branch', 'no', '--env', 'on=yes', '--env', 'y=1e3', '--release', 'n1'],
  ['--go-version', '1.23.4', '--platform', 'linux/arm64', '--chart', 'charts/withdeps'],
  ['--registry', 'oci://127.0.0.1:5000/goservice', '--env', 'staging=ci-staging', '--platform', 'linux/amd64'],
];
