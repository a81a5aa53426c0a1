window.YTD.tweets.part0 = [
  {
    "tweet" : {
      "edit_info" : { "initial" : { "editTweetIds" : [ "1580000000000000001" ], "editableUntil" : "2022-10-12T08:00:00.000Z", "editsRemaining" : "5", "isEditEligible" : true } },
      "retweeted" : false,
      "source" : "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities" : { "hashtags" : [ ], "symbols" : [ ], "user_mentions" : [ ], "urls" : [ { "url" : "https://t.co/AbCdEf", "expanded_url" : "https://example.org/charkha", "display_url" : "example.org/charkha", "indices" : [ "30", "53" ] } ] },
      "display_text_range" : [ "0", "53" ],
      "favorite_count" : "3",
      "id_str" : "1580000000000000001",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "1580000000000000001",
      "created_at" : "Wed Oct 12 07:30:00 +0000 2022",
      "favorited" : false,
      "full_text" : "Leaving for a P2P network &amp; more: https://t.co/AbCdEf",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "retweeted" : false,
      "entities" : { "urls" : [ ] },
      "id_str" : "1580000000000000002",
      "in_reply_to_status_id_str" : "1580000000000000001",
      "in_reply_to_user_id_str" : "42",
      "created_at" : "Wed Oct 12 07:45:00 +0000 2022",
      "full_text" : "And a follow-up in my own thread",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "retweeted" : false,
      "entities" : { "urls" : [ ] },
      "id_str" : "1580000000000000003",
      "created_at" : "Thu Oct 13 07:45:00 +0000 2022",
      "full_text" : "RT @someone: not my words",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "retweeted" : false,
      "entities" : { "urls" : [ ] },
      "id_str" : "1580000000000000002",
      "in_reply_to_status_id_str" : "1580000000000000001",
      "in_reply_to_user_id_str" : "42",
      "created_at" : "Wed Oct 12 07:45:00 +0000 2022",
      "full_text" : "And a follow-up in my own thread",
      "lang" : "en"
    }
  }
]
