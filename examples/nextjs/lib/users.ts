// Stream users, touched only where this app owns them. Stream's upsert
// replaces a whole user (name, image, custom data), so it is used only to
// create users that do not exist yet; a user's own profile is never
// rewritten, and nothing a request body says can rename or re-flag anyone.
import { getUsers, upsertUsers, updateUsersPartial } from '@/lib/stream'

/** The AI agent that joins every meeting: server configuration, never request input. */
export function agent(): { id: string; name: string } {
  return { id: process.env.AGENT_ID || 'ai-agent', name: process.env.AGENT_NAME || 'AI Assistant' }
}

export interface NewUser {
  id: string
  name?: string
  custom?: Record<string, unknown>
}

/**
 * Makes sure these users exist in Stream: the missing ones are created with the
 * profile given here; existing ones are left exactly as they are. Returns the
 * ids that were created.
 */
export async function ensureUsers(users: NewUser[], signal: AbortSignal): Promise<string[]> {
  const existing = new Set(
    (
      await getUsers(
        users.map((u) => u.id),
        { signal },
      )
    ).map((u) => u.id),
  )
  const missing = users.filter((u) => !existing.has(u.id))
  if (missing.length > 0) await upsertUsers(missing, { signal })
  return missing.map((u) => u.id)
}

/**
 * The agent's Stream user, which this app owns: created when missing, and
 * renamed (a partial update of `name` alone) when the configured name changed.
 */
export async function ensureAgent(signal: AbortSignal): Promise<{ id: string; name: string }> {
  const { id, name } = agent()
  const [found] = await getUsers([id], { signal })
  if (!found) await upsertUsers([{ id, name, custom: { agent: true } }], { signal })
  else if (found.name !== name) await updateUsersPartial([{ id, set: { name } }], { signal })
  return { id, name }
}
