// Names shared by the main step (which writes the kubeconfig) and the post step (which removes it).
// Kept in their own module so the post bundle does not pull in the SDKs.

/** core.saveState key holding the kubeconfig path for the post step. */
export const STATE_KUBECONFIG_PATH = 'kubeconfig-path';
/** Every kubeconfig this action writes is named `<prefix><random>.yaml` in RUNNER_TEMP. */
export const KUBECONFIG_FILE_PREFIX = 'ask-istio-kubeconfig-';
