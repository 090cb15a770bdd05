/** The workspace index of Kubernetes manifests lives with its format (`formats/kube/workspace.ts`); this name stays for the fronts and rules that import it. */
export * from '../formats/kube/workspace';
