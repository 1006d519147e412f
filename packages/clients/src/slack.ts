/** What a Slack post needs: an incoming webhook URL and, optionally, a channel (webhooks may ignore it). */
export interface SlackPost {
  webhookUrl: string;
  channel?: string | undefined;
  text: string;
}

/**
 * Posts one message to a Slack incoming webhook. Resolves to undefined when Slack took it, else to
 * why not (one line): a notification never fails what it reports on.
 */
export async function postSlack(post: SlackPost, fetchFn: typeof fetch = fetch): Promise<string | undefined> {
  try {
    const res = await fetchFn(post.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...(post.channel ? { channel: post.channel } : {}), text: post.text }),
      signal: AbortSignal.timeout(10_000),
    });
    if (res.ok) return undefined;
    return `Slack answered ${res.status}: ${(await res.text()).slice(0, 200)}`;
  } catch (error) {
    return `Slack did not answer: ${error instanceof Error ? error.message : String(error)}`;
  }
}
