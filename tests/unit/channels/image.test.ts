import { describe, expect, it } from 'vitest';
import { renderMessenger, renderZalo, renderZaloPersonal } from '../../../src/channels/index.js';

/** A picture (a certificate) in an outbound message becomes an image attachment on each platform (issue 19 item 5). */
const message = {
  text: '🎓 Chứng nhận kết quả của bạn.',
  image: { url: 'https://cds.example.vn/certificates/K7QM3XPA.png', alt: 'Chứng nhận' },
  choices: [{ title: 'Trợ giúp', payload: 'CMD|help' }],
};

describe('pictures on every channel', () => {
  it('Messenger: an image attachment by URL first, then the text with its quick replies', () => {
    const out = renderMessenger(message);
    expect(out[0]).toEqual({ attachment: { type: 'image', payload: { url: message.image.url, is_reusable: false } } });
    expect(out[1]).toMatchObject({ text: message.text, quick_replies: [{ title: 'Trợ giúp', payload: 'CMD|help' }] });
  });

  it('Zalo OA: the media template with the image URL and its caption first, then the text and buttons', () => {
    const out = renderZalo(message);
    expect(out[0]).toEqual({
      text: 'Chứng nhận',
      attachment: { type: 'template', payload: { template_type: 'media', elements: [{ media_type: 'image', url: message.image.url }] } },
    });
    expect(out[1]).toMatchObject({ text: message.text });
  });

  it('zca-js: the picture is named with its link', () => {
    expect(renderZaloPersonal(message)[0]).toContain(`Chứng nhận: ${message.image.url}`);
  });
});
