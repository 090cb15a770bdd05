import type { RelatedLocation } from '../../findings';
import type { Range } from '../../text';
import type { KNode } from './node';
import { describeResource, resourceKindKey, type KubeResource } from './resources';
import type { KubeView } from './workspace';

/** A related location at a field of another resource (or at its name). */
export function relatedAt(r: KubeResource, node: KNode | undefined, message: string): RelatedLocation {
  return { file: r.file, range: node?.exists ? node.at : r.nameRange, message };
}

/** This file's resources of a kind (`Kind` or `Kind.group`; several kinds allowed). */
export function ownOfKind(view: KubeView, ...kinds: string[]): KubeResource[] {
  return view.resources.filter((r) => kinds.includes(resourceKindKey(r)));
}

/** "Secret web/tls" for a message, with its effective namespace. */
export function named(view: KubeView, r: KubeResource): string {
  return describeResource(r, view.namespaceOf(r));
}

/** A one-line range for a field, or the resource name when the field is missing. */
export function fieldAt(r: KubeResource, node: KNode): Range {
  return node.exists || node.present ? node.at : r.nameRange;
}
