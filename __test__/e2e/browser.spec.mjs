// The example as a person uses it, in a real browser: headless Chromium (the
// @sparticuz/chromium npm package, driven by playwright-core; nothing else is
// downloaded) on the built example against the emulator. Sign in, create a
// meeting, invite a guest, copy join tokens, make the three join, speak and
// leave from the page, watch the status move without a reload, read the
// transcript's turns, play the first second of the recording, repair, sign
// out. A screenshot of each step goes to a folder the test prints; axe-core
// finds no serious or critical violation on the meetings page or the meeting page.
import { mkdtempSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import chromium from '@sparticuz/chromium'
import test from 'ava'
import { chromium as playwright } from 'playwright-core'
import { startStack } from '../../scripts/stack.mjs'
import { decodeJwtParts } from '../helpers.mjs'

const require = createRequire(import.meta.url)
const AXE = require('axe-core').source
const SHOTS = mkdtempSync(join(tmpdir(), 'svn-browser-'))

let stack
let browser
test.before(async () => {
  stack = await startStack()
  browser = await playwright.launch({ executablePath: await chromium.executablePath(), args: chromium.args, headless: true })
  console.log(`browser screenshots: ${SHOTS}`)
})
test.after.always(async () => {
  await browser?.close()
  await stack?.stop()
})

let step = 0
const shot = (page, name) => page.screenshot({ path: join(SHOTS, `${String(++step).padStart(2, '0')}-${name}.png`), fullPage: true })

/** axe-core's serious and critical violations on the page as it is now. */
async function accessibility(page) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE })
  const { violations } = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }))
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
}

const claimsOf = (token) => JSON.parse(decodeJwtParts(token).payload)

test.serial('a person runs a whole meeting from the page, and it updates as the webhooks arrive', async (t) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.appUrl })
  const page = await context.newPage()
  const problems = []
  page.on('pageerror', (e) => problems.push(e.message))

  // Sign in.
  await page.goto(stack.appUrl)
  await page.getByRole('heading', { name: 'Sign in' }).waitFor()
  t.deepEqual(await accessibility(page), [], 'the signed-out page')
  await shot(page, 'sign-in')
  await page.getByLabel('Your user id').fill('browser-host')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.getByText('No meetings yet').waitFor()
  await shot(page, 'empty-state')

  // Create a meeting.
  await page.getByRole('button', { name: 'New meeting' }).click()
  await page.waitForURL(/\/meetings\/[0-9a-f-]{36}$/)
  const meetingId = page.url().split('/').at(-1)
  await page.locator('[data-status="scheduled"]').waitFor()
  await page.evaluate(() => {
    window.sameDocument = true // gone if anything reloads the page
  })
  const callId = (await page.locator('code').first().textContent()).trim()
  t.is(callId, `meeting-${meetingId}`)
  t.like(stack.emulator.calls.get(`default:${callId}`)?.settings, { recording: { mode: 'auto-on' }, transcription: { mode: 'auto-on' } })
  await shot(page, 'meeting-created')

  // Invite a guest and copy both join tokens.
  await page.getByLabel('Guest id').fill('browser-guest')
  await page.getByLabel('Name').fill('Grace Guest')
  await page.getByRole('button', { name: 'Invite' }).click()
  await page.getByText('Invited: Grace Guest (browser-guest).').waitFor()
  t.true(stack.emulator.calls.get(`default:${callId}`).members.has('browser-guest'))
  await page.getByRole('button', { name: 'Copy my join token' }).click()
  const hostToken = (await page.locator('[data-token]').first().textContent()).trim()
  t.like(claimsOf(hostToken), { user_id: 'browser-host', call_cids: [`default:${callId}`] })
  t.is(await page.evaluate(() => navigator.clipboard.readText()), hostToken, 'copied to the clipboard')
  await page.getByRole('button', { name: "Copy Grace Guest's join token" }).click()
  await page.locator('[data-token]').nth(1).waitFor()
  const guestToken = (await page.locator('[data-token]').nth(1).textContent()).trim()
  t.like(claimsOf(guestToken), { user_id: 'browser-guest', call_cids: [`default:${callId}`] })
  await shot(page, 'invited-and-tokens')

  // The three join: the session starts, recording and transcription with it; the page moves by itself.
  const person = (id) => page.locator(`[data-person="${id}"]`)
  for (const id of ['browser-host', 'agent-456', 'browser-guest']) {
    await person(id).getByRole('button', { name: 'Join' }).click()
    await page.locator(`tr[data-user="${id}"]`).waitFor()
  }
  await page.locator('[data-status="active"]').first().waitFor()
  t.is(await page.locator('tr[data-user] >> text=in the call').count(), 3)
  await page.getByText('Recording on · transcription on.').waitFor()
  await shot(page, 'everyone-joined')

  // The host's switches, and an error as the page shows it (Stream's status, the request id).
  await page.getByRole('button', { name: 'Stop transcription' }).click()
  await page.getByText('Recording on · transcription off.').waitFor()
  await page.getByRole('button', { name: 'Start transcription' }).click()
  await page.getByText('Recording on · transcription on.').waitFor()
  await page.getByRole('button', { name: 'Stop recording' }).click()
  await page.getByText('Recording off · transcription on.').waitFor()
  stack.emulator.injectFault({ path: /\/recordings\/[a-z]+\/start$/, status: 400, body: { code: 4, message: 'injected refusal', StatusCode: 400 } })
  await page.getByRole('button', { name: 'Start recording' }).click()
  // The page's own alerts (Next.js has a role=alert route announcer of its own).
  const alert = page.locator('p.error[role="alert"]')
  await alert.waitFor()
  t.regex(await alert.textContent(), /^STREAM_API · Stream answered 400 · request id [0-9a-f-]{36}$/)
  await shot(page, 'an-error-shown')
  await page.getByRole('button', { name: 'Start recording' }).click()
  await page.getByText('Recording on · transcription on.').waitFor()

  // They speak.
  const lines = [
    ['browser-host', 'Welcome to the launch review.'],
    ['browser-guest', 'The beta opens on Monday.'],
    ['agent-456', 'Noted: the beta opens on Monday.'],
  ]
  for (const [id, text] of lines) {
    await person(id).getByRole('textbox').fill(text)
    await person(id).getByRole('button', { name: 'Speak' }).click()
    await page.waitForFunction((input) => input.value === '', await person(id).getByRole('textbox').elementHandle())
  }
  await shot(page, 'they-spoke')

  // The humans leave: the app ends the call with the last one; the files arrive; the page follows.
  await person('browser-guest').getByRole('button', { name: 'Leave' }).click()
  await page.locator('tr[data-user="browser-guest"] >> text=UTC').nth(1).waitFor()
  await person('browser-host').getByRole('button', { name: 'Leave' }).click()
  await page.locator('[data-status="ready"]').first().waitFor({ timeout: 30_000 })
  t.regex(await page.locator('[data-status-words]').textContent(), /^Ready: recording and transcript are in/)
  t.regex(await page.locator('[data-duration]').textContent(), /^0:\d\d$/)
  t.true(await page.evaluate(() => window.sameDocument === true), 'the page was never reloaded')

  // The transcript's turns: who, when, what.
  const turns = page.locator('[data-transcript] li')
  await turns.first().waitFor()
  t.deepEqual(await turns.evaluateAll((items) => items.map((li) => [li.dataset.speaker, li.querySelector('p').textContent])), lines)
  t.regex(await turns.first().textContent(), /^browser-host \(host\)0:\d\d/)
  t.regex(await turns.nth(1).textContent(), /^Grace Guest \(browser-guest\)/)
  t.regex(await turns.nth(2).textContent(), /^Sales Assistant \(agent\)/)
  await shot(page, 'ready-with-transcript')

  // The recording plays.
  const played = await page.locator('video[data-recording]').evaluate(async (video) => {
    video.muted = true
    await video.play()
    const deadline = Date.now() + 10_000
    while (video.currentTime < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
    video.pause()
    return { time: video.currentTime, width: video.videoWidth, error: video.error?.message ?? null }
  })
  t.true(played.time >= 1, `played ${played.time} s`)
  t.true(played.width > 0)
  t.is(played.error, null)

  // Accessibility of the meeting page, at its fullest.
  t.deepEqual(await accessibility(page), [], 'the meeting page')

  // Repair from Stream: nothing to fix, nothing broken.
  await page.getByRole('button', { name: 'Repair from Stream' }).click()
  await page.waitForLoadState('networkidle')
  t.is(await page.locator('p.error[role="alert"]').count(), 0)
  t.is(await page.locator('[data-status="ready"]').count(), 1)

  // Narrow screens: nothing runs off the side.
  await page.setViewportSize({ width: 375, height: 800 })
  t.true(await page.evaluate(() => document.documentElement.scrollWidth <= 375), 'no horizontal scroll at 375 px')
  await shot(page, 'meeting-at-375px')

  // The list, then sign out.
  await page.setViewportSize({ width: 1280, height: 900 })
  await page.getByRole('link', { name: '← All meetings' }).click()
  await page.locator(`[data-meeting-id="${meetingId}"] [data-status="ready"]`).waitFor()
  t.deepEqual(await accessibility(page), [], 'the meetings page')
  await shot(page, 'meetings-list')
  await page.getByRole('button', { name: 'Sign out' }).click()
  await page.getByRole('heading', { name: 'Sign in' }).waitFor()
  await shot(page, 'signed-out')
  t.deepEqual(problems, [], 'no script error on any page')
  t.log(`screenshots of each step: ${SHOTS}`)
  await context.close()
})
