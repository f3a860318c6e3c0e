// Workflow histories as JSON files (proto3 JSON, the form historyToJSON writes), read and written with the
// protobufjs copy @temporalio/proto builds its types with. npm installs protobufjs more than once under
// @temporalio/* (@grpc/proto-loader keeps an older one at the top), and the SDK's own historyFromJSON, from another
// copy, refuses the History type: "type must be a Type".
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { History } from '@temporalio/common/lib/proto-utils';
import * as proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';

interface ProtoJson {
  toJson(type: unknown, message: unknown): unknown;
  fromJson(type: unknown, json: unknown, options: { ignoreUnknownFields: boolean }): unknown;
}

const protojson = createRequire(require.resolve('@temporalio/proto'))('protobufjs/ext/protojson') as ProtoJson;
const historyType = (patchProtobufRoot(proto) as unknown as { lookupType(name: string): unknown }).lookupType(
  'temporal.api.history.v1.History',
);

export function historyFromJson(json: unknown): History {
  // Unknown fields are tolerated, as historyFromJSON does: a newer server may write fields this SDK does not know.
  return protojson.fromJson(historyType, json, { ignoreUnknownFields: true }) as History;
}

export function historyToJson(history: History): unknown {
  return protojson.toJson(historyType, proto.temporal.api.history.v1.History.fromObject(history));
}

export function readHistoryFile(file: string): History {
  return historyFromJson(JSON.parse(readFileSync(file, 'utf8')));
}
