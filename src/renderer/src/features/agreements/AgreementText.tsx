import Markdown from 'react-markdown';

/**
 * An agreement's Markdown as the visitor reads it: headings, lists, emphasis. Raw HTML is
 * shown as text and links are not followed (a kiosk screen leads nowhere else); the server
 * lays the same text out in the signed copy (server/agreements/signed-copy.ts).
 */
export function AgreementText({ text }: { text: string }) {
  return (
    <div className="agreement-text">
      <Markdown
        skipHtml
        components={{
          a: ({ children, href }) => (
            <span>
              {children} ({href})
            </span>
          ),
          img: ({ alt }) => <span>{alt}</span>,
        }}
      >
        {text}
      </Markdown>
    </div>
  );
}
