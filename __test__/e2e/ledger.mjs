// What the scale and chaos runs read back from PostgreSQL once the
// deliveries are over: which webhooks were stored, how many events the
// meetings applied, and how many meetings did not end as a clean delivery of
// their four events leaves them.

/**
 * `meetings`: `{ id, seconds }` for each meeting the run drove (`seconds`: its
 * session's length).
 */
export async function readLedger(client, meetings) {
  const stored = new Set((await client.query('SELECT webhook_id FROM processed_webhooks')).rows.map((r) => r.webhook_id))
  const {
    rows: [{ total }],
  } = await client.query('SELECT COALESCE(SUM(events_applied), 0)::int AS total FROM meetings')
  const { rows } = await client.query('SELECT id, status, duration_seconds, started_at, ended_at, recording_url, transcription_url FROM meetings')
  const byId = new Map(rows.map((r) => [r.id, r]))
  const wrong = meetings.filter((m) => {
    const row = byId.get(m.id)
    return !(
      row?.status === 'processing' &&
      Math.abs(row.duration_seconds - m.seconds) <= 1 &&
      row.started_at &&
      row.ended_at &&
      row.recording_url &&
      row.transcription_url
    )
  }).length
  return { stored, applied: stored.size, double: total - stored.size, wrong }
}
